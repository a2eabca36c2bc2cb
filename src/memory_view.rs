//! [`MemoryView`]: keeps the calling thread's view of a shared linear memory as large as the
//! memory `LockedAllocator` hands out, for engines that update that view late (V8).
//!
//! In threaded wasm every thread runs its own instance over one shared memory. When one thread
//! runs `memory.grow`, V8 (Node 20, Chromium 156; found by `ci/test.sh threads`) tells the
//! other instances with an interrupt, which each handles at its next stack check. Until
//! then, that instance's `memory.size` is the old one, and so is the bound that its `memory.fill`
//! and `memory.copy` check, although plain loads and stores already work. The WebAssembly threads
//! specification makes a grow that happened before an access visible to it, and our lock gives
//! exactly that order, so this is an engine defect; but it lands on allocator calls:
//!
//! ```text
//!   thread A (holds the lock)          thread B (waits for it)
//!   memory.grow  -> pages 256..267     spins; last stack check before A's grow
//!   carves a block at page 266         ...
//!   releases                           acquires; takes the block at page 266
//!                                      memory.fill for alloc_zeroed: "out of bounds" trap,
//!                                      since B's memory.size still says 256
//! ```
//!
//! (`tests/wasi-threads/browser/stale-view-module.mjs` shows it with no allocator, in Node and in
//! Chromium: a thread that learns of a grow through an atomic load traps in `memory.fill`. In
//! Node its `memory.size` was seen to report the old size then; in both engines the threads test
//! under stale views fails without the refresh below, which keys on `memory.size`, and passes
//! with it.)
//!
//! The fix, under the lock: `pages` is `memory.size` as the last thread to leave the lock saw it,
//! which covers every page the inner allocator has grown. A thread entering the lock whose own
//! `memory.size` is smaller runs `memory.grow(0)`, which makes V8 bring this instance's view up
//! to date there and then. Invariant: while a thread holds the lock, its view of memory is at
//! least `pages`, so every block the inner allocator holds lies inside it. The cost is a
//! `memory.size`, a load and a compare on entry and a `memory.size` and a store on exit; the
//! grow runs only when the view was stale.
//!
//! Builds without threads (the `zepto_wasm_threads` cfg unset) get an empty type whose methods do
//! nothing: no field, no code, the size gate's modules unchanged.

#[cfg(all(zepto_wasm_threads, target_arch = "wasm32"))]
use core::sync::atomic::{AtomicUsize, Ordering};

/// The size of memory, in pages, that every thread holding the lock must see (see the module).
#[cfg(all(zepto_wasm_threads, target_arch = "wasm32"))]
pub(crate) struct MemoryView {
    /// `memory.size` as the last thread to leave the lock saw it. Read and written only under
    /// the lock, so `Relaxed` suffices: the lock's Acquire/Release orders it.
    pages: AtomicUsize,
}

#[cfg(all(zepto_wasm_threads, target_arch = "wasm32"))]
impl MemoryView {
    pub(crate) const fn new() -> Self {
        Self {
            pages: AtomicUsize::new(0),
        }
    }

    /// On entering the lock: brings this thread's view of memory up to `pages`.
    #[inline(always)]
    pub(crate) fn catch_up(&self) {
        use core::arch::wasm32::{memory_grow, memory_size};
        if memory_size(0) < self.pages.load(Ordering::Relaxed) {
            // Growing by zero pages changes no memory; V8 updates this instance's view of the
            // shared memory as part of it.
            memory_grow(0, 0);
        }
    }

    /// On leaving the lock: records this thread's view, which includes every page the inner
    /// allocator grew during the call (a grow updates the growing thread's own view at once).
    #[inline(always)]
    pub(crate) fn record(&self) {
        self.pages
            .store(core::arch::wasm32::memory_size(0), Ordering::Relaxed);
    }
}

/// Without threads there is nothing to keep up to date.
#[cfg(not(all(zepto_wasm_threads, target_arch = "wasm32")))]
pub(crate) struct MemoryView;

#[cfg(not(all(zepto_wasm_threads, target_arch = "wasm32")))]
impl MemoryView {
    pub(crate) const fn new() -> Self {
        Self
    }

    #[inline(always)]
    pub(crate) fn catch_up(&self) {}

    #[inline(always)]
    pub(crate) fn record(&self) {}
}
