//! The body of the WASI test program: one configuration of the list as the `#[global_allocator]`
//! of a std program (`src/bin/configuration.rs`, built once for each), sharing linear memory with
//! wasi-libc's `malloc`, which std itself calls for environment variables and paths. Built for
//! `wasm32-wasip1` (a core module) and for `wasm32-wasip2` (a WASI 0.2 component, whose std
//! also links wasi-libc); the program is the same.
//!
//! `run.mjs` runs the `wasm32-wasip1` programs under Node's WASI (`node:wasi`), `run.py` both
//! kinds under wasmtime, each with an environment variable and a preopened directory. A program
//! fails by panicking (exit code 101) or by trapping.
//!
//! What it checks: blocks from `malloc` and from the global allocator never overlap and keep
//! their contents while the global allocator fills several pages with small boxes; `env::var`,
//! file writes and reads and directory listings (all of which run libc's allocator) still work
//! after that and return what they should; for the freeing allocators, a second round of the
//! same work does not grow memory. Then the workloads of the `wasm32-unknown-unknown` suite
//! (std collections under load, page-boundary boxes, alignments, `realloc`, `alloc_zeroed`, and
//! for the freeing allocators memory staying flat under repeated work and the wee_alloc and
//! just-below-a-page patterns), with libc's blocks live throughout.

#[cfg(target_os = "wasi")]
mod body;

/// Runs the checks (under WASI; elsewhere it says where to run it and does nothing). `frees`:
/// the allocator reuses memory, so repeated work must not grow it; `scale` sizes the collections
/// workload (1 for the page allocator, which spends a page on every allocation).
pub fn main(frees: bool, scale: usize) {
    #[cfg(target_os = "wasi")]
    body::run(frees, scale);
    #[cfg(not(target_os = "wasi"))]
    {
        let _ = (frees, scale);
        eprintln!(
            "build for wasm32-wasip1 or wasm32-wasip2 and run with tests/wasi/run.mjs or run.py"
        );
    }
}
