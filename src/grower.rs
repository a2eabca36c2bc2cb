//! Where every allocator gets its memory: the [`MemoryGrower`] trait.
//!
//! The allocators ask a grower for whole pages and trust what it returns; the contract below is
//! everything they assume of it. [`WasmGrower`](crate::WasmGrower) (`memory.grow`) is the
//! default; tests plug in a grower backed by one host allocation, so that Miri checks every
//! allocator on the host.

use core::ptr;

/// The WebAssembly page size: `memory.grow` counts in units of 64 KiB.
pub const PAGE_SIZE: usize = 1 << 16;

/// What the start of a region that [`MemoryGrower::grow_region`] extends downwards is a multiple
/// of.
// Rust 1.85 (the MSRV) does not count the use in `layout_math`'s `const` assertion and warns.
#[allow(dead_code)]
pub(crate) const REGION_ALIGN: usize = 16;

/// A source of fresh memory: "give me `pages` more pages, or `None`".
///
/// The allocators in this crate are generic over it. [`WasmGrower`](crate::WasmGrower), the
/// default, calls `memory.grow`; tests plug in a grower backed by an ordinary host allocation, and
/// a program that must not call `memory.grow` itself can plug in its own, such as this one that
/// hands out the pages of a static arena:
///
/// ```
/// use core::alloc::{GlobalAlloc, Layout};
/// use core::cell::Cell;
/// use zepto_alloc::{FreeListAllocator, MemoryGrower, PAGE_SIZE};
///
/// #[repr(C, align(65536))]
/// struct Arena([u8; 4 * PAGE_SIZE]);
///
/// /// Hands out the arena's pages in order, each once.
/// struct ArenaGrower {
///     arena: *mut Arena,
///     used: Cell<usize>,
/// }
///
/// // SAFETY: `grow` returns page-aligned runs of whole pages of one zeroed allocation that only
/// // this grower hands out (a `static` nothing else names, so they stay valid), each page once
/// // (`used` only grows), and never touches them again.
/// unsafe impl MemoryGrower for ArenaGrower {
///     fn grow(&self, pages: usize) -> Option<*mut u8> {
///         let used = self.used.get();
///         if pages == 0 || pages > 4 - used {
///             return None;
///         }
///         self.used.set(used + pages);
///         Some(self.arena.cast::<u8>().wrapping_add(used * PAGE_SIZE))
///     }
/// }
///
/// static mut ARENA: Arena = Arena([0; 4 * PAGE_SIZE]);
/// let grower = ArenaGrower { arena: &raw mut ARENA, used: Cell::new(0) };
/// let allocator = FreeListAllocator::with_grower(grower);
/// let layout = Layout::new::<[u64; 100]>();
/// // SAFETY: a non-zero size, freed with the same layout.
/// unsafe {
///     let block = allocator.alloc(layout);
///     assert!(!block.is_null());
///     allocator.dealloc(block, layout);
/// }
/// assert_eq!(allocator.grower().used.get(), 1);
/// ```
///
/// # Safety
///
/// Each obligation concerns one grower (the value, its copies if it is `Copy`, and references
/// to it) and what it returns; an implementation can check every one on its own.
///
/// [`grow(pages)`](MemoryGrower::grow) returns `None`, or `Some(start)` where the
/// `pages * PAGE_SIZE` bytes from `start`, called the region:
///
/// 1. start at a non-null multiple of [`PAGE_SIZE`], and `start + pages * PAGE_SIZE` fits in a
///    `usize` (the region does not reach the top of the address space);
/// 2. are zero, and valid for reads and writes through `start` for as long as the grower exists;
/// 3. belong to the caller from then on: no other code may read or write them, and this grower
///    never returns any of them again. Memory the grower alone can reach qualifies: pages that
///    `memory.grow` has just added, or part of an allocation that only the grower names;
/// 4. lie in one allocated object together with every other region this grower returns, so that
///    when two regions happen to be adjacent, a pointer derived from the lower one's `start` may
///    be moved into the higher one (allocators merge blocks across them).
///
/// Regions may come in any address order, adjacent or with gaps between them; the allocators
/// make no other assumption. `grow(0)` may return `None`. When the grower is [`Sync`], `grow`
/// may be called from several threads at once and must keep all of the above.
///
/// [`grow_region(pages)`](MemoryGrower::grow_region), when overridden, returns `None` or a
/// region that consists of exactly the pages a `grow(pages)` call would return, keeping 1 to 4,
/// with memory directly below them prepended. The prepended bytes must start at a multiple of
/// 16, be zero, be used by no other code in the program, and be prepended at most once by this
/// grower and its copies (they are claimed once). The default implementation prepends nothing.
pub unsafe trait MemoryGrower {
    /// Adds `pages` pages of [`PAGE_SIZE`] bytes and returns a pointer to the first, or `None`
    /// when there is no more memory (or `pages` is 0).
    fn grow(&self, pages: usize) -> Option<*mut u8>;

    /// Like [`grow`](MemoryGrower::grow), but the region may start lower, to take along unused
    /// memory just below the new pages (see the contract). By default exactly the pages `grow`
    /// returns. The freeing allocators call this; the leaking ones call `grow`.
    #[inline]
    fn grow_region(&self, pages: usize) -> Option<*mut [u8]> {
        let start = self.grow(pages)?;
        Some(ptr::slice_from_raw_parts_mut(start, pages * PAGE_SIZE))
    }
}

// SAFETY: forwards to `G`, which upholds the contract; a reference hands out the same regions
// the grower it points to would, and counts as that grower.
unsafe impl<G: MemoryGrower + ?Sized> MemoryGrower for &G {
    #[inline(always)]
    fn grow(&self, pages: usize) -> Option<*mut u8> {
        (**self).grow(pages)
    }

    #[inline(always)]
    fn grow_region(&self, pages: usize) -> Option<*mut [u8]> {
        (**self).grow_region(pages)
    }
}
