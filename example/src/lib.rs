//! The size gate's probe module: a `cdylib` for `wasm32-unknown-unknown` (and `wasm32v1-none`)
//! whose only job is to use the global allocator, so that its size measures the allocator.
//!
//! The `ZEPTO_CONFIG` environment variable names the `#[global_allocator]`, from the list in
//! `size-budget.toml` (build.rs writes it): one of ours, a negative control, or a reference row
//! (lol_alloc 0.4.1's, or a peer the benchmark compares with: talc, rlsf, the dlmalloc crate,
//! wee_alloc; their crates come in with the features `lol`, `talc`, `rlsf`, `dlmalloc`,
//! `wee_alloc`). Unset, it is std's default (dlmalloc). The `full` feature selects the probe:
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

// The `#[global_allocator]` of the configuration named by `ZEPTO_CONFIG` (ours, a control or a
// reference row of size-budget.toml; none: std's default), written by build.rs.
include!(concat!(env!("OUT_DIR"), "/configuration.rs"));

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

    /// For a counting configuration: its six counters (live bytes, peak bytes, allocations,
    /// deallocations, reallocations, failures), written as words to `out`, so the matrix's driver
    /// can check them against what it did.
    ///
    /// # Safety
    ///
    /// `out` is valid for writing six `usize`s.
    #[cfg(zepto_counts)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn probe_counters(out: *mut usize) {
        let c = super::ALLOCATOR.counters();
        let words = [
            c.live_bytes,
            c.peak_bytes,
            c.allocations,
            c.deallocations,
            c.reallocations,
            c.failures,
        ];
        // SAFETY: the caller's contract.
        unsafe { out.cast::<[usize; 6]>().write_unaligned(words) }
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
