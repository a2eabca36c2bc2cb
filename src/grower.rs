//! Where every allocator gets its memory: the [`MemoryGrower`] trait and [`WasmGrower`].
//!
//! WebAssembly's `memory.grow` returns the *page number* where the new pages start, not a pointer,
//! so no allocation exists from which a pointer could inherit provenance. This crate treats all of
//! linear memory as one allocated object whose provenance the engine has exposed, and turns
//! addresses into pointers in exactly one audited function, [`linear_memory`]. Every other
//! pointer in the crate is derived from one of those with `wrapping_add`/`add`/`with_addr`, so on
//! the host (where tests plug in a grower backed by one real allocation) Miri checks all of it.

use core::ptr;

/// The WebAssembly page size: `memory.grow` counts in units of 64 KiB.
pub const PAGE_SIZE: usize = 1 << 16;

/// Bytes in the smallest block the freeing allocators hand out: two machine words.
///
/// Every region a grower hands out starts and ends on a multiple of this.
pub const MIN_ALIGN: usize = 2 * size_of::<usize>();

/// A source of fresh memory: "give me `pages` more pages, contiguous, or null".
///
/// The allocators in this crate are generic over it. [`WasmGrower`], the default, calls
/// `memory.grow`; tests plug in a grower backed by an ordinary host allocation, and a program that
/// shares linear memory with other code can plug in its own.
///
/// Implementing it: a grower that hands out the pages of a static arena, for a program that must
/// not touch `memory.grow` (or for a host, as here):
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
/// // SAFETY: regions are distinct, page-aligned pages of one zeroed allocation (a `static`, so
/// // they stay valid), never handed out twice; adjacent ones are parts of that one object.
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
/// Allocators trust every region this trait hands out. An implementation must guarantee that
/// [`grow(pages)`](MemoryGrower::grow) returns either a null pointer or a region that
///
/// - starts at a non-null address, holds at least `pages * PAGE_SIZE` bytes and **ends** on a
///   multiple of [`PAGE_SIZE`] (it may start lower, on a multiple of [`MIN_ALIGN`], to include
///   memory that was already there);
/// - does not wrap the address space: its end address, `start + len`, fits in a `usize`;
/// - is zero, valid for reads and writes, and used by nobody else for as long as the grower, or
///   any allocator holding it, exists; no byte is handed out twice, by any call on any grower;
/// - when it is adjacent to another region the grower handed out, forms one allocated object with
///   it: a pointer to the lower one may be used, with `add`, to reach the higher one. (Allocators
///   merge such blocks. Linear memory is one object; a host grower hands out pages of one
///   allocation.)
///
/// `grow(0)` may return null. `grow` may be called from several threads at once if the
/// implementation is [`Sync`].
pub unsafe trait MemoryGrower {
    /// Adds `pages` pages of [`PAGE_SIZE`] bytes and returns a pointer to the first (never
    /// null), or `None` when there is no more memory.
    fn grow(&self, pages: usize) -> Option<*mut u8>;

    /// Like [`grow`](MemoryGrower::grow), but the region may start lower, to take along memory
    /// just below the new pages that already exists and that nobody uses (on wasm, the bytes
    /// above `__heap_base`). By default exactly the pages `grow` returns.
    #[inline]
    fn grow_region(&self, pages: usize) -> Option<*mut [u8]> {
        let start = self.grow(pages)?;
        Some(ptr::slice_from_raw_parts_mut(start, pages * PAGE_SIZE))
    }
}

// SAFETY: forwards to `G`, which upholds the contract; sharing a grower by reference hands out
// the same regions the owner would.
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

/// The grower for `wasm32`: `memory.grow` on memory 0. On any other target every request fails.
///
/// The first region it returns also covers the unused bytes between `__heap_base` (the end of
/// static data and the stack) and the end of the initial memory, when that region follows them
/// directly: up to 64 KiB that lol_alloc leaves unused. `memory.grow` returns each page number at
/// most once, so those bytes go to one allocator only, even with several allocators or threads.
/// This assumes no other code in the module uses memory above `__heap_base` without growing it
/// first, as none of Rust's allocators do.
///
/// It has no state, so it is [`Sync`] and every copy grows the same memory. Allocators built
/// with `new()` use it; naming it is only needed in a type:
///
/// ```
/// use zepto_alloc::{LeakingPageAllocator, WasmGrower};
///
/// static PAGES: LeakingPageAllocator<WasmGrower> = LeakingPageAllocator::with_grower(WasmGrower);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct WasmGrower;

/// lol_alloc's name for the default grower, so code that names it keeps compiling.
pub type DefaultGrower = WasmGrower;

// SAFETY: `memory.grow` hands out zero pages that no other code owns, ending on a page boundary;
// the compare below keeps every end below 4 GiB; it is atomic, so concurrent calls are fine; the
// bytes above `__heap_base` are claimed only together with the first grow that follows it, and
// linear memory is one object (see `linear_memory`).
unsafe impl MemoryGrower for WasmGrower {
    #[cfg(target_arch = "wasm32")]
    #[inline]
    fn grow(&self, pages: usize) -> Option<*mut u8> {
        grow_address(pages).map(linear_memory)
    }

    #[cfg(target_arch = "wasm32")]
    #[inline]
    fn grow_region(&self, pages: usize) -> Option<*mut [u8]> {
        unsafe extern "C" {
            /// Defined by wasm-ld: the first byte after static data and the stack (16-aligned).
            static __heap_base: u8;
            /// Defined by wasm-ld: the end of the initial memory.
            static __heap_end: u8;
        }
        let mut start = grow_address(pages)?;
        // No overflow: the pages end below 4 GiB.
        let end = start + pages * PAGE_SIZE;
        // Link-time constants. Memory starts out ending at `__heap_end`, so the first grow of all
        // starts there, and only it: `memory.grow` never returns the same page twice, and
        // `grow_address(0)` is 0, not the current size. Take the unused bytes in front along.
        let (heap_base, heap_end) = (
            (&raw const __heap_base).addr(),
            (&raw const __heap_end).addr(),
        );
        if start == heap_end {
            start = heap_base;
        }
        Some(ptr::slice_from_raw_parts_mut(
            linear_memory(start),
            end - start,
        ))
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[inline]
    fn grow(&self, _pages: usize) -> Option<*mut u8> {
        None
    }
}

/// `memory.grow(pages)` as the address of the first new byte, or `None` when memory cannot grow.
///
/// An `Option` of a raw pointer's address rather than a null sentinel (or `NonNull`): the
/// optimiser then branches on the tag alone instead of testing the address again in every caller,
/// 6 bytes smaller in the `leak` `full` probe.
#[cfg(target_arch = "wasm32")]
#[inline(always)]
fn grow_address(pages: usize) -> Option<usize> {
    // Wrapping arithmetic on purpose: when `memory.grow` fails it returns `usize::MAX`, so
    // `start` is the address of the last page, 0xFFFF_0000, and `end` wraps (or, for
    // `pages % 65536 == 0`, equals `start`). The one compare `end <= start` therefore refuses a
    // failed grow, growth that would end exactly at 4 GiB (that end address wraps to 0; the pages
    // are lost, but memory is full at that point anyway) and `pages == 0`. A successful grow
    // starts at most at `65536 - pages` pages, so `start + len` is exact otherwise; and it starts
    // at one page or more, because this code's own stack and statics live in linear memory: the
    // address is never 0.
    let start = core::arch::wasm32::memory_grow(0, pages).wrapping_mul(PAGE_SIZE);
    let end = start.wrapping_add(pages.wrapping_mul(PAGE_SIZE));
    (end > start).then_some(start)
}

/// The one place that turns a linear-memory address into a pointer.
///
/// WebAssembly linear memory is a single allocated object of `memory.size` pages. Nothing in Rust
/// allocated it, so no pointer to it carries provenance; we take the engine's memory as exposed
/// and re-acquire that provenance here. Callers pass addresses of pages that `memory.grow` just
/// returned or of `__heap_base`, so the pointer is in bounds of that object.
#[cfg(target_arch = "wasm32")]
#[inline(always)]
fn linear_memory(address: usize) -> *mut u8 {
    ptr::with_exposed_provenance_mut(address)
}
