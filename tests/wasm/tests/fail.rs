//! `FailAllocator` behind the global allocator, in wasm under Node.
//!
//! The test harness itself allocates, so it cannot run on an allocator that refuses everything:
//! this binary's global allocator is `FailAllocator` while a test holds the switch, and a free
//! list otherwise. What the tests see between `refusing(...)` is `FailAllocator` alone.
#![cfg(target_arch = "wasm32")]

use core::alloc::{GlobalAlloc, Layout};
use core::hint::black_box;
use core::sync::atomic::{AtomicBool, Ordering::Relaxed};
use wasm_bindgen_test::wasm_bindgen_test;
use zepto_alloc::{AssumeSingleThreaded, FailAllocator, FreeListAllocator};

static REFUSING: AtomicBool = AtomicBool::new(false);

struct Switch {
    harness: AssumeSingleThreaded<FreeListAllocator>,
}

// SAFETY: while `REFUSING`, every call goes to `FailAllocator`, which never hands out a block (so
// `dealloc` and `realloc` only ever see blocks of the free list); otherwise to the free list.
unsafe impl GlobalAlloc for Switch {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe {
            if REFUSING.load(Relaxed) {
                FailAllocator.alloc(layout)
            } else {
                self.harness.alloc(layout)
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract; only the free list hands out blocks.
        unsafe { self.harness.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Switch = Switch {
    // SAFETY: wasm without the `atomics` feature runs one thread.
    harness: unsafe { AssumeSingleThreaded::new(FreeListAllocator::new()) },
};

/// Runs `f` with `FailAllocator` as the global allocator.
fn refusing<R>(f: impl FnOnce() -> R) -> R {
    REFUSING.store(true, Relaxed);
    let result = f();
    REFUSING.store(false, Relaxed);
    result
}

#[wasm_bindgen_test]
fn every_allocation_fails_with_an_error() {
    let pages = core::arch::wasm32::memory_size(0);
    let results = refusing(|| {
        let vec = Vec::<u8>::new().try_reserve(1).is_err();
        let string = String::new().try_reserve(100).is_err();
        // SAFETY: non-zero sizes.
        // `black_box`: LLVM may assume an allocation it can see unused succeeds, and fold the
        // null test away.
        let raw = unsafe {
            black_box(std::alloc::alloc(Layout::new::<u64>())).is_null()
                && black_box(std::alloc::alloc_zeroed(
                    Layout::from_size_align(1 << 20, 4096).unwrap(),
                ))
                .is_null()
        };
        [vec, string, raw]
    });
    assert_eq!(results, [true; 3]);
    assert_eq!(
        core::arch::wasm32::memory_size(0),
        pages,
        "FailAllocator grew memory"
    );
}
