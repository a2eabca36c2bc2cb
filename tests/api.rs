//! What users see of the types themselves: `Debug`, `Send`/`Sync`, and `LockedAllocator` after a
//! panic inside the allocator it wraps.

use core::alloc::{GlobalAlloc, Layout};
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, mpsc};
use std::time::Duration;
use zepto_alloc::testing::HostGrower;
use zepto_alloc::{
    BinnedAllocator, FailAllocator, FreeListAllocator, LeakingAllocator, LeakingPageAllocator,
    LockedAllocator, WasmGrower,
};

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, 8).unwrap()
}

/// The freeing allocators implement `Debug`, and so do the wrappers around them:
/// `LockedAllocator` names the allocator inside (without taking the lock).
#[test]
fn allocators_and_wrappers_are_debug() {
    let free = format!("{:?}", FreeListAllocator::new());
    assert_eq!(free, "FreeListAllocator { grower: WasmGrower, .. }");
    let binned = format!("{:?}", BinnedAllocator::new());
    assert_eq!(binned, "BinnedAllocator { grower: WasmGrower, .. }");
    // SAFETY: used on this thread only.
    let single = unsafe { zepto_alloc::AssumeSingleThreaded::new(FreeListAllocator::new()) };
    assert!(format!("{single:?}").contains(&free), "{single:?}");
    let locked = format!("{:?}", LockedAllocator::new(BinnedAllocator::new()));
    assert!(
        locked.starts_with("LockedAllocator { locked: false, inner: ")
            && locked.contains("BinnedAllocator"),
        "{locked}"
    );
}

/// The README's table: the stateless allocators are `Sync` and can be a `#[global_allocator]` as
/// they are; the others are `Send`, and `Sync` through a wrapper.
#[test]
fn send_and_sync_are_as_documented() {
    fn sync<T: Sync>() {}
    fn send<T: Send>() {}
    sync::<FailAllocator>();
    sync::<LeakingPageAllocator>();
    sync::<WasmGrower>();
    send::<LeakingAllocator>();
    send::<FreeListAllocator>();
    send::<BinnedAllocator>();
    sync::<LockedAllocator<FreeListAllocator>>();
}

/// An allocator that panics on a request of 13 bytes and otherwise forwards to a free list.
struct PanicsOn13(FreeListAllocator<HostGrower>);

// SAFETY: forwards to the free list; a panic hands out nothing.
unsafe impl GlobalAlloc for PanicsOn13 {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        assert_ne!(layout.size(), 13, "the inner allocator panics");
        // SAFETY: forwarded contract.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { self.0.dealloc(ptr, layout) }
    }
}

/// A panic inside the wrapped allocator (possible on the host, where panics unwind) releases the
/// lock: the next call, from this thread or another, gets in instead of spinning for ever.
#[test]
fn locked_allocator_releases_the_lock_when_the_inner_allocator_panics() {
    let locked = Arc::new(LockedAllocator::new(PanicsOn13(
        FreeListAllocator::with_grower(HostGrower::new(4)),
    )));
    let panicked = std::panic::catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: non-zero size.
        unsafe { locked.alloc(layout(13)) }
    }));
    assert!(panicked.is_err(), "the inner allocator did not panic");
    // With the lock still held, this would spin for ever: run it on a thread and give up waiting
    // after a while, so the test fails instead of hanging.
    let (done, finished) = mpsc::channel();
    let other = Arc::clone(&locked);
    let thread = std::thread::spawn(move || {
        // SAFETY: non-zero size; freed with its layout.
        unsafe {
            let block = other.alloc(layout(16));
            assert!(!block.is_null());
            other.dealloc(block, layout(16));
        }
        done.send(()).unwrap();
    });
    assert!(
        finished.recv_timeout(Duration::from_secs(20)).is_ok(),
        "the lock stayed held after the panic"
    );
    thread.join().unwrap();
}
