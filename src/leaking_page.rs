//! [`LeakingPageAllocator`]: whole fresh pages per request, never reused.

use crate::grower::{MemoryGrower, PAGE_SIZE};
use crate::layout_math::{padding, pages_for};
use crate::wasm_grower::WasmGrower;
use core::alloc::{GlobalAlloc, Layout};

/// An allocator that takes `ceil(size / 64 KiB)` fresh pages from the grower for every request
/// and never frees them.
///
/// The smallest allocator that can allocate at all. Fit for programs that allocate a few large
/// buffers once. Alignments above a page are honoured by taking extra pages. Memory from the
/// grower is already zero, so `alloc_zeroed` does not write it, and `realloc` stays in place while
/// the new size fits in the pages it already has.
///
/// It keeps no state, so it is [`Sync`] whenever the grower is ([`WasmGrower`] is) and can be a
/// `#[global_allocator]` directly:
///
/// ```no_run
/// #[global_allocator]
/// static ALLOCATOR: zepto_alloc::LeakingPageAllocator = zepto_alloc::LeakingPageAllocator;
/// # fn main() {}
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct LeakingPageAllocator<G = WasmGrower> {
    grower: G,
}

/// The allocator over `memory.grow`, under the name lol_alloc gives its unit struct, so that
/// `static A: LeakingPageAllocator = LeakingPageAllocator;` keeps compiling.
#[allow(non_upper_case_globals)]
pub const LeakingPageAllocator: LeakingPageAllocator = LeakingPageAllocator::new();

impl LeakingPageAllocator<WasmGrower> {
    /// The allocator over `memory.grow`.
    #[must_use]
    pub const fn new() -> Self {
        Self::with_grower(WasmGrower)
    }
}

impl<G> LeakingPageAllocator<G> {
    /// An allocator that takes its pages from `grower`.
    #[must_use]
    pub const fn with_grower(grower: G) -> Self {
        Self { grower }
    }

    /// The grower this allocator takes pages from.
    pub const fn grower(&self) -> &G {
        &self.grower
    }
}

// SAFETY: every block is a fresh region from the grower (which promises it is unused, zero and
// valid), padded to the requested alignment inside that region; regions are never reused.
unsafe impl<G: MemoryGrower> GlobalAlloc for LeakingPageAllocator<G> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match self.grower.grow(pages_for(layout.size(), layout.align())) {
            // A page start is aligned for any align <= PAGE_SIZE, so the padding is zero then;
            // above that, `pages_for` took the padding into account.
            Some(start) => start.wrapping_add(padding(start.addr(), layout.align())),
            None => core::ptr::null_mut(),
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract; grown pages are zero and never reused.
        unsafe { self.alloc(layout) }
    }

    // Empty, without even a read of `ptr`: LLVM then deletes every call to it and every loop that
    // only frees. A wrapper that does work around it must read the pointer (`dead_argument`).
    #[inline]
    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // The block owns whole pages from `ptr` on (any alignment padding came in front of it), so
        // it can grow in place up to the next page boundary. No overflow: size <= isize::MAX.
        if new_size <= (layout.size() + PAGE_SIZE - 1) & !(PAGE_SIZE - 1) {
            return ptr;
        }
        // SAFETY: the caller's contract for `realloc` implies the one for `alloc`, `dealloc` and
        // the copy: `new_size` with `layout.align()` is a valid layout, `ptr` holds
        // `layout.size()` readable bytes, and a fresh block cannot overlap it.
        unsafe {
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            let new = self.alloc(new_layout);
            if !new.is_null() {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size());
            }
            new
        }
    }
}
