//! The growers over WebAssembly's own memory: [`WasmGrower`] (the default) and
//! [`HeapTailGrower`] (opt-in, `unsafe`), and the one function that turns a linear-memory address
//! into a pointer.
//!
//! WebAssembly's `memory.grow` returns the *page number* where the new pages start, not a pointer,
//! so no allocation exists from which a pointer could inherit provenance. This crate treats all of
//! linear memory as one allocated object whose provenance the engine has exposed, and turns
//! addresses into pointers in exactly one audited function, [`linear_memory`]. Every other
//! pointer in the crate is derived from one of those with `wrapping_add`/`add`/`with_addr`, so on
//! the host (where tests plug in a grower backed by one real allocation) Miri checks all of it.
//!
//! ```text
//!   0        __heap_base          __heap_end (initial memory end)     memory.grow adds pages here
//!   | stack, static data | unused tail |  page  |  page  | ...
//!                        |<----------->|
//!                        claimed by wasi-libc's malloc, by dlmalloc >= 0.2.13 (std's System on
//!                        some targets), and by HeapTailGrower; never by WasmGrower
//! ```

use crate::grower::MemoryGrower;
#[cfg(target_arch = "wasm32")]
use crate::grower::PAGE_SIZE;
#[cfg(target_arch = "wasm32")]
use core::ptr;

/// The grower for `wasm32` targets: `memory.grow` on memory 0, nothing else.
///
/// Every region it returns is exactly the pages `memory.grow` just added, which no other code
/// can own, so allocators over it are sound next to any other allocator in the same module
/// (wasi-libc's `malloc`, std's `System`, the `dlmalloc` crate, another of ours): each only ever
/// gets pages that `memory.grow` gave it. It does not use the memory between `__heap_base` and
/// the end of the initial memory; [`HeapTailGrower`] does, where that is safe.
///
/// **On other targets every request fails**: a `#[global_allocator]` over it compiles on the
/// host but aborts at the first allocation (before `main`, with std). Use it in wasm builds
/// only, and give host builds another allocator (for example with
/// `#[cfg_attr(target_family = "wasm", global_allocator)]`).
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

// SAFETY: `memory.grow` adds zero pages at a page-aligned address above everything that existed
// (so no other code owns them, and it never returns them again); `grow_address` refuses a region
// whose end would wrap; all of linear memory is one object (see `linear_memory`); `memory.grow`
// is atomic, so concurrent calls are fine.
unsafe impl MemoryGrower for WasmGrower {
    #[cfg(target_arch = "wasm32")]
    #[inline]
    fn grow(&self, pages: usize) -> Option<*mut u8> {
        grow_address(pages).map(linear_memory)
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[inline]
    fn grow(&self, _pages: usize) -> Option<*mut u8> {
        None
    }
}

/// [`WasmGrower`], and the first region it returns also takes along the unused memory between
/// `__heap_base` (the end of static data and the stack) and the end of the initial memory, which
/// would otherwise stay unused, for the freeing allocators. That is less than 64 KiB with the
/// linker's default initial memory (static data and stack rounded up to a page), and can be
/// megabytes when the program is linked with a larger one (`-C link-arg=--initial-memory=…`).
///
/// Opt-in and `unsafe`, because that memory has no owner protocol: other allocators claim it too,
/// each in its own way, knowing nothing of the others. Claiming it here is sound only when no
/// other code in the program uses it (see [`new`](HeapTailGrower::new)). It is claimed at most
/// once however many of these growers exist: only by the grow that starts exactly at the end of
/// the initial memory, the first grow of the program, which `memory.grow` makes only once.
///
/// The leaking allocators call `grow`, not `grow_region`, so with them it is just
/// [`WasmGrower`].
///
/// ```no_run
/// use zepto_alloc::{AssumeSingleThreaded, FreeListAllocator, HeapTailGrower};
///
/// #[global_allocator]
/// static ALLOCATOR: AssumeSingleThreaded<FreeListAllocator<HeapTailGrower>> =
///     // SAFETY: a single-threaded wasm32-unknown-unknown program with no other allocator: no
///     // other code uses the memory above `__heap_base`.
///     unsafe { AssumeSingleThreaded::new(FreeListAllocator::with_grower(HeapTailGrower::new())) };
/// # fn main() {}
/// ```
#[derive(Clone, Copy, Debug)]
pub struct HeapTailGrower(());

impl HeapTailGrower {
    /// The grower, on the promise below.
    ///
    /// # Safety
    ///
    /// For as long as the program runs, no code in it other than allocators over a
    /// `HeapTailGrower` reads or writes memory between `__heap_base` and the end of the initial
    /// memory. Code that does, so that this promise cannot be made:
    ///
    /// - wasi-libc's `malloc`, present in every `wasm32-wasip1`, `wasm32-wasip2` and
    ///   `wasm32-wasip1-threads` program built with std (std calls it for environment variables
    ///   and paths, even with another `#[global_allocator]`);
    /// - the `dlmalloc` crate from 0.2.13 on, and so std's own `System` allocator on toolchains
    ///   whose std carries such a dlmalloc (`wasm32-unknown-unknown`);
    /// - any allocator, in Rust, C or another language, that treats `__heap_base` as the start of
    ///   its heap.
    ///
    /// A `wasm32-unknown-unknown` or `wasm32v1-none` program whose only allocator is ours (no use
    /// of `std::alloc::System`, no C code that allocates) can make it.
    #[must_use]
    pub const unsafe fn new() -> Self {
        Self(())
    }
}

// SAFETY: `grow` is `WasmGrower`'s. `grow_region` prepends `[__heap_base, __heap_end)` only to
// the region that starts at `__heap_end`: the first pages `memory.grow` ever adds, so at most
// once in the program. Those bytes start at a multiple of 16 (wasm-ld aligns `__heap_base`), were
// never written (initial memory is zero and nothing but static data lies below `__heap_base`),
// and no other code uses them: the promise of `HeapTailGrower::new`.
unsafe impl MemoryGrower for HeapTailGrower {
    #[inline]
    fn grow(&self, pages: usize) -> Option<*mut u8> {
        WasmGrower.grow(pages)
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
        // `grow_address(0)` is refused.
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
