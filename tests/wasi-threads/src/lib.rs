//! The body of the real-threads test: four wasm threads share the program's global allocator
//! (one configuration per binary in `src/bin/`) over one shared memory. Each thread makes 100,000
//! random `alloc`, `alloc_zeroed`, `realloc` and `dealloc` calls and writes a pattern of its own
//! (thread, block, offset) into every block, which it checks before every `realloc` and
//! `dealloc`: a block handed to two threads at once, or an update torn by a race, shows as a
//! changed byte. For the freeing allocators, a second round, after every thread has freed
//! everything, must not grow memory.
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

/// An allocator made `Sync` without a lock: what `LockedAllocator` is for, taken away, so that
/// `free_unlocked` shows the test catches the races (it must fail).
pub struct NoLock<T>(pub T);

// SAFETY: none; this is the broken promise the `free_unlocked` program exists to catch.
unsafe impl<T> Sync for NoLock<T> {}

// SAFETY: forwards every call with the caller's contract (and no lock; see above).
unsafe impl<T: core::alloc::GlobalAlloc> core::alloc::GlobalAlloc for NoLock<T> {
    unsafe fn alloc(&self, layout: core::alloc::Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: core::alloc::Layout) {
        // SAFETY: forwarded contract.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(
        &self,
        ptr: *mut u8,
        layout: core::alloc::Layout,
        new_size: usize,
    ) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { self.0.realloc(ptr, layout, new_size) }
    }
}
