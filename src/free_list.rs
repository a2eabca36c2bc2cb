//! [`FreeListAllocator`]: first fit over an address-ordered, coalesced free list.
//!
//! Every free block starts with a node; used blocks carry no header at all (`dealloc` gets the
//! size back from the `Layout`):
//!
//! ```text
//!  head (in the allocator)      free block                       free block
//!  +------+------+   next   +------+------+---------+  next  +------+------+----
//!  | next | 0    | -------> | next | size |  ...    | -----> | next | size | ...  ---> null
//!  +------+------+          +------+------+---------+        +------+------+----
//!                           |<-------- size -------->|  used  |<---- size --
//! ```
//!
//! Invariants, checked by the `testing` inspector after every test:
//! - the list is sorted by address, highest first, and no two free blocks touch or overlap (they
//!   are coalesced);
//! - every block's address and size are multiples of `UNIT` (two words) and `size >= UNIT`, so a
//!   block can always hold its node and every block size is a [`block_size`];
//! - blocks lie inside regions the grower handed over, and a block's pointer carries the
//!   provenance of its region (or of the lower of two adjacent regions).
//!
//! `alloc` carves the request from the *end* of the first block that fits (so an exact fit or a
//! remainder at the front needs no new node); alignment leaves at most a gap behind the block,
//! which goes back to the list. `dealloc` walks to the insertion point and merges with both
//! neighbours. Both are O(length of the free list).

use crate::grower::MemoryGrower;
use crate::layout_math::{block_size, pages_for};
use crate::wasm_grower::WasmGrower;
use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::null_mut;

/// The header of a free block.
#[repr(C)]
pub(crate) struct Node {
    /// The next free block at a higher address, or null.
    pub(crate) next: *mut Node,
    /// Bytes in this block, this node included.
    pub(crate) size: usize,
}

/// A first-fit free-list allocator that returns freed memory for reuse.
///
/// Freed blocks are merged with free neighbours, so freeing everything leaves one free block per
/// contiguous region of memory. Allocation and deallocation walk the free list: O(number of free
/// blocks), which is fast while the list is short (few live blocks or few holes). Blocks are two
/// words or more and carry no header.
///
/// Not [`Sync`]: wrap it in [`AssumeSingleThreaded`](crate::AssumeSingleThreaded) or
/// [`LockedAllocator`](crate::LockedAllocator).
///
/// ```no_run
/// use zepto_alloc::{AssumeSingleThreaded, FreeListAllocator};
///
/// // SAFETY: this program is single-threaded.
/// #[global_allocator]
/// static ALLOCATOR: AssumeSingleThreaded<FreeListAllocator> =
///     unsafe { AssumeSingleThreaded::new(FreeListAllocator::new()) };
/// # fn main() {}
/// ```
pub struct FreeListAllocator<G = WasmGrower> {
    /// A node that is never a block: `head.next` is the first free block, `head.size` stays 0.
    /// Having a node before the first block spares `alloc` and `dealloc` a special case.
    head: UnsafeCell<Node>,
    grower: G,
}

impl FreeListAllocator<WasmGrower> {
    /// A free-list allocator over `memory.grow`.
    #[must_use]
    pub const fn new() -> Self {
        Self::with_grower(WasmGrower)
    }
}

impl Default for FreeListAllocator<WasmGrower> {
    fn default() -> Self {
        Self::new()
    }
}

impl<G> FreeListAllocator<G> {
    /// A free-list allocator that takes its memory from `grower`.
    #[must_use]
    pub const fn with_grower(grower: G) -> Self {
        Self {
            head: UnsafeCell::new(Node {
                next: null_mut(),
                size: 0,
            }),
            grower,
        }
    }

    /// The grower this allocator takes memory from.
    pub const fn grower(&self) -> &G {
        &self.grower
    }

    /// The first free block, or null.
    #[cfg(feature = "testing")]
    pub(crate) fn first_free(&self) -> *mut Node {
        // SAFETY: `&self` and the type being !Sync mean no call of ours is running.
        unsafe { (*self.head.get()).next }
    }

    /// Puts fresh memory for a block of `size` bytes at `align` on the list; false if there is
    /// none. After it returns true a search finds a fit: the region ends on a page boundary and
    /// holds `pages_for` pages, enough for the request on its own, and merging only makes it
    /// larger.
    #[inline(never)]
    fn refill(&self, size: usize, align: usize) -> bool
    where
        G: MemoryGrower,
    {
        let Some(region) = self.grower.grow_region(pages_for(size, align)) else {
            return false;
        };
        // SAFETY: the grower hands over unused memory whose start and length are multiples of
        // UNIT.
        unsafe { self.insert(region.cast(), region.len()) };
        true
    }

    /// Puts `[block, block + size)` on the list, merging it with the free blocks it touches.
    ///
    /// # Safety
    ///
    /// The range must be memory this allocator owns and that is in no block (used or free);
    /// `block` and `size` multiples of `UNIT`, `size >= UNIT`.
    #[inline]
    unsafe fn insert(&self, block: *mut Node, mut size: usize) {
        // The list runs from high addresses to low, so blocks freed near the top of memory (the
        // most recent ones, usually) are found first. `link` is the field that points at `cur`:
        // the head's or a node's `next`.
        // `next` is the head node's first field (`repr(C)`): no dereference needed.
        let mut link: *mut *mut Node = self.head.get().cast();
        let end = block.addr() + size;
        // SAFETY: `link` is the head's or a list node's `next`; list nodes are valid free blocks
        // (module invariants); `block` is ours to write.
        unsafe {
            loop {
                let mut cur = *link;
                // Walk past the blocks above this one (null, address 0, is below everything).
                if cur.addr() <= end {
                    // The block right above: absorb it (its node disappears).
                    if cur.addr() == end {
                        size += (*cur).size;
                        cur = (*cur).next;
                    }
                    // The block right below: it absorbs this one, keeping its node.
                    if !cur.is_null() && cur.addr() + (*cur).size == block.addr() {
                        (*cur).size += size;
                    } else {
                        block.write(Node { next: cur, size });
                        cur = block;
                    }
                    *link = cur;
                    return;
                }
                link = &raw mut (*cur).next;
            }
        }
    }
}

/// Shows the grower; the free blocks are not shown (reading them is the allocator's business).
impl<G: core::fmt::Debug> core::fmt::Debug for FreeListAllocator<G> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FreeListAllocator")
            .field("grower", &self.grower)
            .finish_non_exhaustive()
    }
}

// SAFETY: the free list is memory the allocator owns alone (see the grower's contract), so moving
// the allocator to another thread moves that ownership with it.
unsafe impl<G: Send> Send for FreeListAllocator<G> {}

// SAFETY: blocks are carved from free blocks, which are owned, unused memory, and leave the list
// when handed out; `dealloc` puts back exactly the bytes `alloc` took (`block_size` of the same
// size, at the returned address).
unsafe impl<G: MemoryGrower> GlobalAlloc for FreeListAllocator<G> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let size = block_size(layout.size());
        let align = layout.align();
        let mut prev = self.head.get();
        loop {
            // SAFETY: `prev` is the head or a list node; list nodes are valid (module invariants).
            let block = unsafe { (*prev).next };
            if block.is_null() {
                if !self.refill(size, align) {
                    return null_mut();
                }
                prev = self.head.get();
                continue;
            }
            // SAFETY: `block` is a list node.
            let (block_len, after) = unsafe { ((*block).size, (*block).next) };
            let start = block.addr();
            // No overflow: the block lies inside a region, which does not wrap.
            let end = start + block_len;
            // The highest aligned start that fits, if the block is big enough.
            if size <= block_len {
                let at = (end - size) & !(align - 1);
                if at >= start {
                    // SAFETY: `[at, at + size)` lies inside the free block; what stays in front
                    // of it (`at - start` bytes) stays on the list, and what alignment leaves
                    // behind it goes back. Both are multiples of UNIT (so 0 or a valid
                    // block): `end`, `size` and `start` are, and masking with an `align` below
                    // UNIT changes nothing.
                    unsafe {
                        if at == start {
                            (*prev).next = after;
                        } else {
                            (*block).size = at - start;
                        }
                        let tail = at + size;
                        if tail != end {
                            self.insert(block.with_addr(tail), end - tail);
                        }
                    }
                    return block.with_addr(at).cast();
                }
            }
            prev = block;
        }
    }

    #[inline(always)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller returns a block from `alloc` with its layout, so these are exactly
        // the bytes `alloc` took off the list: owned, in no block now, UNIT multiples.
        unsafe { self.insert(ptr.cast(), block_size(layout.size())) }
    }
}

#[cfg(feature = "testing")]
impl<G> crate::testing::Inspect for FreeListAllocator<G> {
    fn free_blocks(&self) -> std::vec::Vec<(usize, usize)> {
        use crate::layout_math::UNIT;
        let mut blocks = std::vec::Vec::new();
        let mut node = self.first_free();
        while !node.is_null() {
            // SAFETY: list nodes are valid free blocks (module invariants), and no call of ours
            // runs concurrently (`&self`, not `Sync`).
            let (size, next) = unsafe { ((*node).size, (*node).next) };
            let addr = node.addr();
            assert!(
                addr % UNIT == 0 && size % UNIT == 0,
                "misaligned {addr:#x}+{size}"
            );
            assert!(size >= UNIT, "block {addr:#x} too small: {size}");
            // SAFETY: as above.
            let below = (!next.is_null()).then(|| next.addr() + unsafe { (*next).size });
            assert!(
                below.is_none_or(|end| end < addr),
                "{addr:#x}+{size} not merged or out of order"
            );
            blocks.push((addr, size));
            node = next;
        }
        blocks.reverse();
        blocks
    }

    unsafe fn extent(&self, ptr: *mut u8, layout: Layout) -> (usize, usize) {
        (ptr.addr(), block_size(layout.size()))
    }
}
