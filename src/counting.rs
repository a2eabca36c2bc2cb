//! [`CountingAllocator`]: counts what passes through any allocator.
//!
//! Six counters, each an atomic updated with `Relaxed` read-modify-writes, so each stays exact
//! however many threads call at once (a [`LockedAllocator`](crate::LockedAllocator) inside, or
//! any `Sync` allocator); in wasm without threads they compile to plain loads and stores.
//! Between calls:
//!
//! - `live` is the sum of `layout.size()` over the blocks handed out and not yet freed (a
//!   `realloc` counts as its new size);
//! - `peak` is the largest `live` since the start or the last [`reset_peak`], so `peak >= live`
//!   (under threads, up to the bytes of the calls in flight);
//! - `allocations - deallocations` is the number of live blocks: an `alloc` or `alloc_zeroed` that
//!   returns a block adds one allocation, a `dealloc` one deallocation, and a successful
//!   `realloc` one reallocation, which changes no block count;
//! - `failures` counts the requests answered with null (`alloc`, `alloc_zeroed`, `realloc`).
//!
//! A [`Counters`] read while other threads allocate is a set of exact values taken at slightly
//! different moments.
//!
//! [`reset_peak`]: CountingAllocator::reset_peak

use crate::dead_argument;
use core::alloc::{GlobalAlloc, Layout};
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Wraps any allocator, ours or another crate's, and counts what passes through it: the bytes
/// live now and at most, and the calls that succeeded and failed. Read them with
/// [`counters`](CountingAllocator::counters) at any time.
///
/// It is `Sync` when the allocator inside is, so it goes outside the wrapper that makes it so:
///
/// ```no_run
/// use zepto_alloc::{AssumeSingleThreaded, CountingAllocator, FreeListAllocator};
///
/// #[global_allocator]
/// static ALLOCATOR: CountingAllocator<AssumeSingleThreaded<FreeListAllocator>> =
///     // SAFETY: this program runs one thread.
///     CountingAllocator::new(unsafe { AssumeSingleThreaded::new(FreeListAllocator::new()) });
///
/// fn main() {
///     let text: String = (0..1000).map(|i| i.to_string()).collect();
///     drop(text);
///     let counters = ALLOCATOR.counters();
///     assert_eq!(counters.live_bytes, 0);
///     println!("peak heap: {} bytes in {} allocations", counters.peak_bytes, counters.allocations);
/// }
/// ```
///
/// It counts what the program asked for, not what the allocator took from memory: for that, give
/// the allocator a [`CountingGrower`](crate::CountingGrower). What it costs, in bytes and time,
/// the size gate and the benchmark measure (the README's tables, rows `*-counted`).
#[derive(Debug)]
pub struct CountingAllocator<A> {
    inner: A,
    live: AtomicUsize,
    peak: AtomicUsize,
    allocations: AtomicUsize,
    deallocations: AtomicUsize,
    reallocations: AtomicUsize,
    failures: AtomicUsize,
}

/// What a [`CountingAllocator`] has counted (see its module for the exact rules).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Bytes in blocks handed out and not yet freed (`layout.size()` each).
    pub live_bytes: usize,
    /// The most `live_bytes` there were at once, since the start or the last
    /// [`reset_peak`](CountingAllocator::reset_peak).
    pub peak_bytes: usize,
    /// Blocks handed out by `alloc` and `alloc_zeroed`.
    pub allocations: usize,
    /// Blocks freed.
    pub deallocations: usize,
    /// Successful `realloc` calls.
    pub reallocations: usize,
    /// Requests answered with null: a refused `alloc`, `alloc_zeroed` or `realloc`.
    pub failures: usize,
}

impl Counters {
    /// Blocks live now: allocations less deallocations.
    pub fn live_blocks(&self) -> usize {
        self.allocations.wrapping_sub(self.deallocations)
    }
}

impl<A> CountingAllocator<A> {
    /// Wraps `inner`, every counter at zero.
    #[must_use]
    pub const fn new(inner: A) -> Self {
        Self {
            inner,
            live: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            allocations: AtomicUsize::new(0),
            deallocations: AtomicUsize::new(0),
            reallocations: AtomicUsize::new(0),
            failures: AtomicUsize::new(0),
        }
    }

    /// The counters now.
    pub fn counters(&self) -> Counters {
        Counters {
            live_bytes: self.live.load(Relaxed),
            peak_bytes: self.peak.load(Relaxed),
            allocations: self.allocations.load(Relaxed),
            deallocations: self.deallocations.load(Relaxed),
            reallocations: self.reallocations.load(Relaxed),
            failures: self.failures.load(Relaxed),
        }
    }

    /// Starts the peak again from the bytes live now: to measure one phase of a program.
    pub fn reset_peak(&self) {
        self.peak.store(self.live.load(Relaxed), Relaxed);
    }

    /// The allocator inside.
    pub const fn inner(&self) -> &A {
        &self.inner
    }

    /// Counts a block of `size` bytes handed out, or a failure for null. Out of line: `alloc` and
    /// `alloc_zeroed` share it.
    #[inline(never)]
    fn handed_out(&self, block: *mut u8, size: usize) -> *mut u8 {
        if block.is_null() {
            self.failures.fetch_add(1, Relaxed);
        } else {
            self.allocations.fetch_add(1, Relaxed);
            self.more_live(size);
        }
        block
    }

    /// `live` grows by `bytes` (wrapping: a `realloc` that shrinks passes its negative), and the
    /// peak with it. Out of line: shared by the counting of `alloc`, `alloc_zeroed` and `realloc`.
    #[inline(never)]
    fn more_live(&self, bytes: usize) {
        let live = self.live.fetch_add(bytes, Relaxed).wrapping_add(bytes);
        self.peak.fetch_max(live, Relaxed);
    }
}

// SAFETY: forwards every call, with the caller's contract, to an allocator that upholds it; the
// counting reads no block and changes no result.
unsafe impl<A: GlobalAlloc> GlobalAlloc for CountingAllocator<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        self.handed_out(unsafe { self.inner.alloc(layout) }, layout.size())
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        self.handed_out(unsafe { self.inner.alloc_zeroed(layout) }, layout.size())
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // Counted before the block goes back, so that another thread that gets its memory at once
        // cannot count it live twice (and overstate the peak).
        self.deallocations.fetch_add(1, Relaxed);
        self.live.fetch_sub(layout.size(), Relaxed);
        // SAFETY: forwarded contract; `keep` first, while the block is still allocated: this body
        // does work around `inner.dealloc`, which LLVM would otherwise compile into a trap for an
        // allocator that ignores its pointer (see `dead_argument`).
        unsafe {
            dead_argument::keep(ptr);
            self.inner.dealloc(ptr, layout);
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        let block = unsafe { self.inner.realloc(ptr, layout, new_size) };
        if block.is_null() {
            self.failures.fetch_add(1, Relaxed);
        } else {
            self.reallocations.fetch_add(1, Relaxed);
            // A shrink wraps around to a subtraction, which leaves the peak as it is.
            self.more_live(new_size.wrapping_sub(layout.size()));
        }
        block
    }
}
