//! [`Inspect`]: what a test may see of a freeing allocator's internals.

use crate::{AssumeSingleThreaded, CheckedAllocator, CountingAllocator, LockedAllocator};
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

    /// Whether the allocator joins any two adjacent regions into one (true), or only a region
    /// that starts where the one grown just before it ends (false).
    fn joins_any_adjacent(&self) -> bool {
        true
    }
}

/// The stretches of memory that `inspect`'s allocator treats as one region, in address order:
/// the grower's regions, joined as the allocator joins them.
pub fn joined_regions(inspect: &dyn Inspect, grower: &super::HostGrower) -> Vec<(usize, usize)> {
    if inspect.joins_any_adjacent() {
        return grower.regions();
    }
    let mut joined: Vec<(usize, usize)> = Vec::new();
    for (start, end) in grower.handed_out() {
        match joined.last_mut() {
            Some(last) if last.1 == start => last.1 = end,
            _ => joined.push((start, end)),
        }
    }
    joined.sort_unstable();
    joined
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

    fn joins_any_adjacent(&self) -> bool {
        self.inner().joins_any_adjacent()
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

    fn joins_any_adjacent(&self) -> bool {
        self.with_lock(Inspect::joins_any_adjacent)
    }
}

impl<T: Inspect> Inspect for CountingAllocator<T> {
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

    fn joins_any_adjacent(&self) -> bool {
        self.inner().joins_any_adjacent()
    }
}

/// A checked block is its payload's inner block, header and guard included; freed blocks are free
/// once they leave the quarantine, which `free_blocks` empties first (so that freeing everything
/// still leaves one free block per region inside).
impl<T: Inspect + core::alloc::GlobalAlloc> Inspect for CheckedAllocator<T> {
    fn free_blocks(&self) -> Vec<(usize, usize)> {
        self.release_quarantine();
        self.inner().free_blocks()
    }

    unsafe fn extent(&self, ptr: *mut u8, layout: Layout) -> (usize, usize) {
        let (outer, offset) =
            crate::checked::inner_layout(layout).expect("a layout this allocator handed out");
        // SAFETY: `ptr` is a live checked block of `layout`, inside an inner block of `outer` that
        // starts `offset` bytes before it.
        unsafe { self.inner().extent(ptr.wrapping_sub(offset), outer) }
    }

    fn region_overhead(&self) -> (usize, usize) {
        self.inner().region_overhead()
    }

    fn joins_any_adjacent(&self) -> bool {
        self.inner().joins_any_adjacent()
    }
}
