//! The body of the real-threads test: four wasm threads share the program's global allocator (a
//! configuration of the list, `src/bin/configuration.rs`) over one shared memory. Each thread
//! makes 100,000 random `alloc`, `alloc_zeroed`, `realloc` and `dealloc` calls and writes a
//! pattern of its own (thread, block, offset) into every block, which it checks before every
//! `realloc` and `dealloc`: a block handed to two threads at once, or an update torn by a race,
//! shows as a changed byte. The threads run two rounds, and after each, when every thread has
//! freed everything, the freeing allocators must give the main thread 90% of all the memory they
//! hold in 4 KiB blocks without growing: memory freed by racing threads is neither lost nor left
//! unmerged. The allocators grow through a `CountingGrower` ([`GROWN`]), so the test knows
//! exactly what they hold, whatever wasi-libc's `malloc` does with memory alongside.
//!
//! Built for `wasm32-wasip1-threads`; `run.mjs` is the host (it implements `wasi.thread-spawn`
//! with Node worker threads). A program fails by panicking, which aborts: a trap.

#[cfg(target_os = "wasi")]
mod body;

/// Runs the test (under a wasip1-threads host; elsewhere it says where to run it).
pub fn main(frees: bool) {
    #[cfg(target_os = "wasi")]
    body::run(frees);
    #[cfg(not(target_os = "wasi"))]
    {
        let _ = frees;
        eprintln!("build for wasm32-wasip1-threads and run with tests/wasi-threads/run.mjs");
    }
}

/// What the allocator took from memory: it grows through a
/// [`CountingGrower`](zepto_alloc::CountingGrower) over `WasmGrower` that counts into this (see
/// build.rs), so the test knows exactly what it holds. Running here under real threads is also
/// the test of `CountingGrower` there.
pub static GROWN: zepto_alloc::GrowthCounter = zepto_alloc::GrowthCounter::new();

/// Pages and regions the allocator has taken so far.
pub fn grown() -> (usize, usize) {
    (GROWN.bytes() / zepto_alloc::PAGE_SIZE, GROWN.regions())
}
