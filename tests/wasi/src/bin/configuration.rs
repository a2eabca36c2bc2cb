//! The configuration named by `ZEPTO_CONFIG` (size-budget.toml) as the global allocator of a
//! wasm32-wasip1 or wasm32-wasip2 program, next to wasi-libc's malloc. build.rs writes the
//! allocator; `ci/test.sh` builds the program once for every configuration that allocates, and
//! for the one-thread negative controls.

#[cfg(target_os = "wasi")]
include!(concat!(env!("OUT_DIR"), "/configuration.rs"));

fn main() {
    // The collections workload's scale: light for an allocator that spends fresh pages on every
    // allocation.
    let scale = if cfg!(zepto_whole_pages) { 1 } else { 16 };
    // The checks that memory stays flat are for allocators that reuse at once: not for a checking
    // wrapper, whose quarantine delays it.
    zepto_alloc_wasi_tests::main(cfg!(all(zepto_frees, not(zepto_checks))), scale);
}
