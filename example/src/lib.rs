//! The size gate's probe module: a `cdylib` for `wasm32-unknown-unknown` (and `wasm32v1-none`)
//! whose only job is to use the global allocator, so that its size measures the allocator.
//!
//! Exactly one allocator feature selects the `#[global_allocator]` (none: std's default,
//! dlmalloc): ours, lol_alloc 0.4.1's, or a peer the benchmark compares with (talc, rlsf, the
//! dlmalloc crate). The `full` feature selects the probe:
//!
//! - `box` (default): `hello()` boxes a `u8` and `goodbye(p)` frees it, the example lol_alloc
//!   measures, so our figures compare with theirs;
//! - `full`: exports `alloc`, `alloc_zeroed`, `realloc` and `dealloc` with run-time sizes and
//!   alignments, so no allocator path is constant-folded away: what a real program pays.
//!
//! On `wasm32v1-none`, which has no std, the module is `no_std` with a panic handler that traps;
//! it uses `alloc`'s names, which are std's on the other targets, so the code is the same.
#![cfg_attr(target_os = "none", no_std)]

extern crate alloc;

/// `no_std` needs a panic handler; a trap is the smallest. (The probes cannot panic; this is
/// only reached through the allocation-error handler.)
#[cfg(target_os = "none")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

// Unused when no feature, or a lol_alloc one, selects the allocator.
#[allow(unused_imports)]
use zepto_alloc as z;

/// Declares the global allocator for a configuration feature.
macro_rules! configuration {
    ($($feature:literal => $ty:ty = $init:expr;)*) => {$(
        #[cfg(feature = $feature)]
        #[global_allocator]
        static ALLOCATOR: $ty = $init;
    )*};
}

configuration! {
    "fail" => z::FailAllocator = z::FailAllocator;
    "page" => z::LeakingPageAllocator = z::LeakingPageAllocator;
    "leak" => z::AssumeSingleThreaded<z::LeakingAllocator> =
        // SAFETY: a wasm module without the `atomics` feature has one thread.
        unsafe { z::AssumeSingleThreaded::new(z::LeakingAllocator::new()) };
    "free" => z::AssumeSingleThreaded<z::FreeListAllocator> =
        // SAFETY: a wasm module without the `atomics` feature has one thread.
        unsafe { z::AssumeSingleThreaded::new(z::FreeListAllocator::new()) };
    "binned" => z::AssumeSingleThreaded<z::BinnedAllocator> =
        // SAFETY: a wasm module without the `atomics` feature has one thread.
        unsafe { z::AssumeSingleThreaded::new(z::BinnedAllocator::new()) };
    "leak-locked" => z::LockedAllocator<z::LeakingAllocator> =
        z::LockedAllocator::new(z::LeakingAllocator::new());
    "free-locked" => z::LockedAllocator<z::FreeListAllocator> =
        z::LockedAllocator::new(z::FreeListAllocator::new());
    "binned-locked" => z::LockedAllocator<z::BinnedAllocator> =
        z::LockedAllocator::new(z::BinnedAllocator::new());
    "free-unlocked" => unlocked::NoLock<z::FreeListAllocator> =
        unlocked::NoLock(z::FreeListAllocator::new());
    "lol-fail" => lol_alloc::FailAllocator = lol_alloc::FailAllocator;
    "lol-page" => lol_alloc::LeakingPageAllocator = lol_alloc::LeakingPageAllocator;
    "lol-leak" => lol_alloc::AssumeSingleThreaded<lol_alloc::LeakingAllocator> =
        // SAFETY: a wasm module without the `atomics` feature has one thread.
        unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::LeakingAllocator::new()) };
    "lol-free" => lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
        // SAFETY: a wasm module without the `atomics` feature has one thread.
        unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
    "lol-leak-locked" => lol_alloc::LockedAllocator<lol_alloc::LeakingAllocator> =
        lol_alloc::LockedAllocator::new(lol_alloc::LeakingAllocator::new());
    "lol-free-locked" => lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
        lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());
    "talc" => talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
    "rlsf" => rlsf::SmallGlobalTlsf = rlsf::SmallGlobalTlsf::new();
    "dlmalloc" => dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;
    "wee_alloc" => wee_alloc::WeeAlloc<'static> = wee_alloc::WeeAlloc::INIT;
}

/// A negative control, never measured: `FreeListAllocator` made `Sync` without a lock, so that
/// threads race inside it. `ci/test.sh matrix` runs it on `wasm32-wasip1-threads`, where the
/// driver's four threads must catch the races.
#[cfg(feature = "free-unlocked")]
mod unlocked {
    use core::alloc::{GlobalAlloc, Layout};

    /// Any allocator, `Sync` by a false promise.
    pub struct NoLock<T>(pub T);

    // SAFETY: none; this is the broken promise the control exists to catch.
    unsafe impl<T> Sync for NoLock<T> {}

    // SAFETY: forwards every call with the caller's contract (and no lock; see above).
    unsafe impl<T: GlobalAlloc> GlobalAlloc for NoLock<T> {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: forwarded contract.
            unsafe { self.0.alloc(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: forwarded contract.
            unsafe { self.0.dealloc(ptr, layout) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: forwarded contract.
            unsafe { self.0.realloc(ptr, layout, new_size) }
        }
    }
}

/// The `box` probe.
#[cfg(not(feature = "full"))]
mod probe {
    /// Boxes a `u8`: one small allocation with a constant layout.
    #[unsafe(no_mangle)]
    pub extern "C" fn hello() -> *mut u8 {
        alloc::boxed::Box::into_raw(alloc::boxed::Box::new(42))
    }

    /// Frees a box from [`hello`].
    ///
    /// # Safety
    ///
    /// `ptr` comes from `hello` and is passed here once.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn goodbye(ptr: *mut u8) {
        // SAFETY: the caller's contract.
        drop(unsafe { alloc::boxed::Box::from_raw(ptr) });
    }
}

/// The `full` probe: every allocator entry point with run-time layouts.
#[cfg(feature = "full")]
mod probe {
    use alloc::alloc::Layout;

    /// `alloc` with a run-time layout.
    ///
    /// # Safety
    ///
    /// `size` and `align` form a valid, non-zero-size `Layout`.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn alloc(size: usize, align: usize) -> *mut u8 {
        // SAFETY: the caller's contract.
        unsafe { alloc::alloc::alloc(Layout::from_size_align_unchecked(size, align)) }
    }

    /// `alloc_zeroed` with a run-time layout.
    ///
    /// # Safety
    ///
    /// As for [`alloc`].
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn alloc_zeroed(size: usize, align: usize) -> *mut u8 {
        // SAFETY: the caller's contract.
        unsafe { alloc::alloc::alloc_zeroed(Layout::from_size_align_unchecked(size, align)) }
    }

    /// `realloc` with a run-time layout.
    ///
    /// # Safety
    ///
    /// `ptr` is a live block allocated with `size` and `align`; `new_size` is valid for `align`.
    ///
    /// On WASI it is exported as `probe_realloc`: wasi-libc defines a `realloc` of its own, which
    /// the linker would keep in its place.
    #[cfg_attr(not(target_os = "wasi"), unsafe(no_mangle))]
    #[cfg_attr(target_os = "wasi", unsafe(export_name = "probe_realloc"))]
    pub unsafe extern "C" fn realloc(
        ptr: *mut u8,
        size: usize,
        align: usize,
        new_size: usize,
    ) -> *mut u8 {
        // SAFETY: the caller's contract.
        unsafe {
            alloc::alloc::realloc(
                ptr,
                Layout::from_size_align_unchecked(size, align),
                new_size,
            )
        }
    }

    /// `dealloc` with a run-time layout.
    ///
    /// # Safety
    ///
    /// `ptr` is a live block allocated with `size` and `align`.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn dealloc(ptr: *mut u8, size: usize, align: usize) {
        // SAFETY: the caller's contract.
        unsafe { alloc::alloc::dealloc(ptr, Layout::from_size_align_unchecked(size, align)) }
    }
}
