//! [`LeakingAllocator`]: a bump pointer over the grower's memory.
//!
//! The whole state is one pointer, `next`. The allocator owns the bytes from `next` up to the
//! next page boundary, and nothing else:
//!
//! ```text
//!            handed out, never reused          owned, unused     page boundary
//!   [ block ][pad][ block ][ block ][ block ]|<------ room ------>|
//!                                           ^ next               ^ next rounded up to 64 KiB
//! ```
//!
//! Invariant: `[next, align_up(next, PAGE_SIZE))` is memory from the grower that was never handed
//! out (so it is zero), reachable through `next`'s provenance. A page-aligned `next` (including
//! the initial null) owns nothing. Every region a grower returns ends on a page boundary, so
//! after carving a block from it the rest of its last page is exactly this range.
//!
//! Keeping the end implicit saves a second word of state: 15 bytes in the `leak` configuration.
//! The price: when a request of more than a page continues the current room into new pages, it
//! asked for pages as if the room were not there, and a whole page past the block can be left
//! over, unowned. At most one page per such growth; requests of a page or less lose nothing.

use crate::grower::{MemoryGrower, PAGE_SIZE};
use crate::layout_math::{padding, pages_for};
use crate::wasm_grower::WasmGrower;
use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;
use core::ptr::null_mut;

/// A bump allocator: each request takes the next suitably aligned bytes; nothing is ever freed.
///
/// Small and fast (O(1), no per-block overhead), for programs whose total allocation is bounded.
/// It grows memory only when a request does not fit, and continues seamlessly when the new pages
/// follow its current ones. Memory it hands out has never been used, so `alloc_zeroed` does not
/// write it.
///
/// It only ever uses pages it grew, never the memory between `__heap_base` and the end of the
/// initial memory, even over a [`HeapTailGrower`](crate::HeapTailGrower) (it calls `grow`, not
/// `grow_region`).
///
/// Not [`Sync`]: wrap it in [`AssumeSingleThreaded`](crate::AssumeSingleThreaded) or
/// [`LockedAllocator`](crate::LockedAllocator).
///
/// ```no_run
/// use zepto_alloc::{AssumeSingleThreaded, LeakingAllocator};
///
/// // SAFETY: this program is single-threaded.
/// #[global_allocator]
/// static ALLOCATOR: AssumeSingleThreaded<LeakingAllocator> =
///     unsafe { AssumeSingleThreaded::new(LeakingAllocator::new()) };
/// # fn main() {}
/// ```
#[derive(Debug)]
pub struct LeakingAllocator<G = WasmGrower> {
    /// Where the next block may start; owns up to the next page boundary (module invariant).
    next: Cell<*mut u8>,
    grower: G,
}

impl LeakingAllocator<WasmGrower> {
    /// A bump allocator over `memory.grow`.
    #[must_use]
    pub const fn new() -> Self {
        Self::with_grower(WasmGrower)
    }
}

impl Default for LeakingAllocator<WasmGrower> {
    fn default() -> Self {
        Self::new()
    }
}

impl<G> LeakingAllocator<G> {
    /// A bump allocator that takes its memory from `grower`.
    #[must_use]
    pub const fn with_grower(grower: G) -> Self {
        Self {
            next: Cell::new(null_mut()),
            grower,
        }
    }

    /// The grower this allocator takes memory from.
    pub const fn grower(&self) -> &G {
        &self.grower
    }
}

// SAFETY: the allocator owns the memory after `next` alone (see the grower's contract), so moving
// it to another thread moves that ownership with it.
unsafe impl<G: Send> Send for LeakingAllocator<G> {}

// SAFETY: each block is `[next + pad, next + pad + size)` inside memory the allocator owns and has
// never handed out (module invariant); `next` then moves past it, so blocks never overlap.
unsafe impl<G: MemoryGrower> GlobalAlloc for LeakingAllocator<G> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let (size, align) = (layout.size(), layout.align());
        let mut next = self.next.get();
        let room = padding(next.addr(), PAGE_SIZE);
        // No overflow: padding < align, and size + align - 1 <= isize::MAX (Layout's invariant).
        if padding(next.addr(), align) + size > room {
            // Fresh pages from a page-aligned `start`: the aligned block start is at most `start`
            // (or `start + align - PAGE_SIZE` for larger alignments), which `pages_for` left room
            // for.
            let Some(start) = self.grower.grow(pages_for(size, align)) else {
                return null_mut();
            };
            // When the pages follow our room, keep bumping from `next` (the aligned start only
            // moves down); otherwise abandon the room.
            if start.addr() != next.addr() + room {
                next = start;
            }
        }
        let block = next.wrapping_add(padding(next.addr(), align));
        // The new `next` is at most the end of our memory, a page boundary: the invariant holds.
        self.next.set(block.wrapping_add(size));
        block
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract. Bump memory is never reused and the grower hands over zero
        // bytes, so the block is already zero.
        unsafe { self.alloc(layout) }
    }

    // Empty, without even a read of `ptr`: LLVM then deletes every call to it and every loop that
    // only frees. A wrapper that does work around it must read the pointer (`dead_argument`).
    #[inline]
    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}
