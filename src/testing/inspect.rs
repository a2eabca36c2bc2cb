//! [`Inspect`]: what a test may see of a freeing allocator's internals.

use crate::{AssumeSingleThreaded, LockedAllocator};
use core::alloc::Layout;
use std::vec::Vec;

/// A freeing allocator's view for the shadow model: its free blocks and block footprints.
pub trait Inspect {
    /// The free blocks as `(address, size)`, in address order, after checking the allocator's
    /// own invariants (panicking on a violation).
    fn free_blocks(&self) -> Vec<(usize, usize)>;

    /// Bytes a live block of `layout` occupies from the address `alloc` returned.
    fn footprint(&self, layout: Layout) -> usize;
}

impl<T: Inspect> Inspect for AssumeSingleThreaded<T> {
    fn free_blocks(&self) -> Vec<(usize, usize)> {
        self.inner().free_blocks()
    }

    fn footprint(&self, layout: Layout) -> usize {
        self.inner().footprint(layout)
    }
}

impl<T: Inspect> Inspect for LockedAllocator<T> {
    fn free_blocks(&self) -> Vec<(usize, usize)> {
        self.with_lock(Inspect::free_blocks)
    }

    fn footprint(&self, layout: Layout) -> usize {
        self.with_lock(|inner| inner.footprint(layout))
    }
}
