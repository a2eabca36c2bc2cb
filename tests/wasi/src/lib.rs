//! The body of every `wasm32-wasip1` test program: one allocator configuration as the
//! `#[global_allocator]` of a std program (one binary each, in `src/bin/`), sharing linear memory
//! with wasi-libc's `malloc`, which std itself calls for environment variables and paths.
//!
//! `run.mjs` runs each program under Node's WASI (`node:wasi`) with an environment variable and
//! a preopened directory. A program fails by panicking (exit code 101) or by trapping.
//!
//! What it checks: blocks from `malloc` and from the global allocator never overlap and keep
//! their contents while the global allocator fills several pages with small boxes; `env::var`,
//! file writes and reads and directory listings (all of which run libc's allocator) still work
//! after that and return what they should; for the freeing allocators, a second round of the
//! same work does not grow memory.

#[cfg(target_os = "wasi")]
mod body;

/// Runs the checks (under WASI; elsewhere it says where to run it and does nothing).
pub fn main(frees: bool) {
    #[cfg(target_os = "wasi")]
    body::run(frees);
    #[cfg(not(target_os = "wasi"))]
    {
        let _ = frees;
        eprintln!("build for wasm32-wasip1 and run with tests/wasi/run.mjs");
    }
}
