//! The configuration named by `ZEPTO_CONFIG` (size-budget.toml), over a `CountingGrower` (see
//! [`GROWN`]), shared by four wasm threads. build.rs writes the allocator; `ci/test.sh` builds the program once for
//! every configuration the real-threads suite runs, and once as the negative control
//! `free-unlocked`, which must fail.
//!
//! [`GROWN`]: zepto_alloc_wasi_threads_tests::GROWN

#[cfg(target_os = "wasi")]
include!(concat!(env!("OUT_DIR"), "/configuration.rs"));

fn main() {
    zepto_alloc_wasi_threads_tests::main(cfg!(zepto_frees));
}
