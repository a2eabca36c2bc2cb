//! [`Inspect`]: what a test may see of a freeing allocator's internals.

use crate::{AssumeSingleThreaded, LockedAllocator};
use core::alloc::Layout;
use std::vec::Vec;

/// A freeing allocator's view for the shadow model: its free blocks and the extent of its live
/// blocks.
pub trait Inspect {
    /// The free blocks as `(address, size)`, in address order, after checking the allocator's
    /// own invariants (panicking on a violation).
    fn free_blocks(&self) -> Vec<(usize, usize)>;

    /// The bytes a live block of `layout` at `ptr` occupies, as `(start, len)`: headers included.
    ///
    /// # Safety
    ///
    /// `ptr` must be a live block from this allocator, allocated with `layout`.
    unsafe fn extent(&self, ptr: *mut u8, layout: Layout) -> (usize, usize);

    /// Bytes of each contiguous region that are never in a block, at its start and at its end.
    fn region_overhead(&self) -> (usize, usize) {
        (0, 0)
    }
}

impl<T: Inspect> Inspect for AssumeSingleThreaded<T> {
    fn free_blocks(&self) -> Vec<(usize, usize)> {
        self.inner().free_blocks()
    }

    unsafe fn extent(&self, ptr: *mut u8, layout: Layout) -> (usize, usize) {
        // SAFETY: forwarded contract.
        unsafe { self.inner().extent(ptr, layout) }
    }

    fn region_overhead(&self) -> (usize, usize) {
        self.inner().region_overhead()
    }
}

impl<T: Inspect> Inspect for LockedAllocator<T> {
    fn free_blocks(&self) -> Vec<(usize, usize)> {
        self.with_lock(Inspect::free_blocks)
    }

    unsafe fn extent(&self, ptr: *mut u8, layout: Layout) -> (usize, usize) {
        // SAFETY: forwarded contract.
        self.with_lock(|inner| unsafe { inner.extent(ptr, layout) })
    }

    fn region_overhead(&self) -> (usize, usize) {
        self.with_lock(Inspect::region_overhead)
    }
}
