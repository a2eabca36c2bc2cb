//! [`FailAllocator`]: the floor of the size table.

use core::alloc::{GlobalAlloc, Layout};
use core::ptr::null_mut;

/// An allocator that refuses every request, on every target.
///
/// For programs that must not allocate: any allocation reaches the allocation-error handler. Its
/// size in the gate is the floor every other allocator is measured against. It has no state, so
/// it is [`Sync`] and can be a `#[global_allocator]` directly.
///
/// ```no_run
/// #[global_allocator]
/// static ALLOCATOR: zepto_alloc::FailAllocator = zepto_alloc::FailAllocator;
/// # fn main() {}
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct FailAllocator;

// SAFETY: returning null is always a correct answer to `alloc`; `dealloc` is never called with a
// pointer from this allocator because it never returns one.
unsafe impl GlobalAlloc for FailAllocator {
    #[inline]
    unsafe fn alloc(&self, _layout: Layout) -> *mut u8 {
        null_mut()
    }

    #[inline]
    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}
