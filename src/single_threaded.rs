//! [`AssumeSingleThreaded`]: `Sync` by the caller's promise, at no cost.

use core::alloc::{GlobalAlloc, Layout};

/// Makes a non-[`Sync`] allocator usable as a `#[global_allocator]` on the promise that only one
/// thread ever uses it.
///
/// A `static` must be `Sync` even in a program with one thread; this wrapper provides it without
/// a lock, so it adds no code. On `wasm32-unknown-unknown` without the `atomics` target feature
/// there is only one thread, and the promise holds trivially. For threaded wasm use
/// [`LockedAllocator`](crate::LockedAllocator).
///
/// ```no_run
/// use zepto_alloc::{AssumeSingleThreaded, FreeListAllocator};
///
/// // SAFETY: this program never starts a second thread.
/// #[global_allocator]
/// static ALLOCATOR: AssumeSingleThreaded<FreeListAllocator> =
///     unsafe { AssumeSingleThreaded::new(FreeListAllocator::new()) };
/// # fn main() {}
/// ```
#[derive(Debug)]
pub struct AssumeSingleThreaded<T> {
    inner: T,
}

impl<T> AssumeSingleThreaded<T> {
    /// Wraps `inner`, promising that it is only ever used from one thread.
    ///
    /// The promise is the caller's to make, so this cannot be called without `unsafe`:
    ///
    /// ```compile_fail,E0133
    /// static A: zepto_alloc::AssumeSingleThreaded<zepto_alloc::FreeListAllocator> =
    ///     zepto_alloc::AssumeSingleThreaded::new(zepto_alloc::FreeListAllocator::new());
    /// ```
    ///
    /// # Safety
    ///
    /// The wrapper (and so `inner`) must never be used by two threads, neither at the same time
    /// nor one after the other without synchronisation. In practice: the program is
    /// single-threaded, as wasm without the `atomics` feature always is.
    ///
    /// On wasm with the `atomics` target feature (`wasm32-wasip1-threads`,
    /// `-C target-feature=+atomics` or `-C target-cpu=bleeding-edge`), where a program can run
    /// threads, using it is refused at compile time: use [`LockedAllocator`](crate::LockedAllocator)
    /// there.
    #[must_use]
    pub const unsafe fn new(inner: T) -> Self {
        #[cfg(zepto_wasm_threads)]
        let () = RefusedWithThreads::<T>::ERROR;
        Self { inner }
    }

    /// The wrapped allocator.
    pub const fn inner(&self) -> &T {
        &self.inner
    }
}

/// Evaluated only where `AssumeSingleThreaded::new` is used (it depends on `T`), so that a
/// threaded build fails there and nowhere else, and no other build carries anything of it.
#[cfg(zepto_wasm_threads)]
struct RefusedWithThreads<T>(core::marker::PhantomData<T>);

#[cfg(zepto_wasm_threads)]
impl<T> RefusedWithThreads<T> {
    const ERROR: () = panic!(
        "AssumeSingleThreaded in a wasm build with the `atomics` feature, which can run threads: \
         use LockedAllocator"
    );
}

// SAFETY: the caller of `new` promised that only one thread ever uses this value, so there is no
// concurrent or unsynchronised access for `Sync` to rule out.
unsafe impl<T> Sync for AssumeSingleThreaded<T> {}

// SAFETY: forwards every call, with the caller's contract, to an allocator that upholds it.
unsafe impl<T: GlobalAlloc> GlobalAlloc for AssumeSingleThreaded<T> {
    #[inline(always)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { self.inner.alloc(layout) }
    }

    #[inline(always)]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { self.inner.alloc_zeroed(layout) }
    }

    #[inline(always)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { self.inner.dealloc(ptr, layout) }
    }

    #[inline(always)]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { self.inner.realloc(ptr, layout, new_size) }
    }
}
