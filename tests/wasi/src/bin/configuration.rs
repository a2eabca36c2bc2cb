//! The configuration named by `ZEPTO_CONFIG` (size-budget.toml) as the global allocator of a
//! wasm32-wasip1 program, next to wasi-libc's malloc. build.rs writes the allocator; `ci/test.sh`
//! builds the program once for every configuration that allocates.

#[cfg(target_os = "wasi")]
include!(concat!(env!("OUT_DIR"), "/configuration.rs"));

fn main() {
    // The collections workload's scale: light for an allocator that spends fresh pages on every
    // allocation.
    let scale = if cfg!(zepto_whole_pages) { 1 } else { 16 };
    zepto_alloc_wasi_tests::main(cfg!(zepto_frees), scale);
}
