//! A global allocator whose `dealloc` does some work but never reads its pointer. Built with
//! `opt-level = "z"`, rustc 1.95.0 compiles the program's first `dealloc` into a trap.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::*};

/// A leak behind a spin lock, counting what it was asked to free. Sound: `dealloc` may ignore
/// its pointer.
struct CountingLeak {
    locked: AtomicBool,
    live: AtomicUsize,
    frees: AtomicUsize,
}

unsafe impl GlobalAlloc for CountingLeak {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        while self.locked.swap(true, Acquire) {}
        self.live.fetch_add(layout.size(), Relaxed);
        let ptr = unsafe { System.alloc(layout) };
        self.locked.store(false, Release);
        ptr
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, layout: Layout) {
        while self.locked.swap(true, Acquire) {}
        self.live.fetch_sub(layout.size(), Relaxed);
        self.frees.fetch_add(1, Relaxed);
        self.locked.store(false, Release);
    }
}

#[global_allocator]
static A: CountingLeak = CountingLeak {
    locked: AtomicBool::new(false),
    live: AtomicUsize::new(0),
    frees: AtomicUsize::new(0),
};

fn main() {
    drop(black_box(Box::new(1u64)));
    drop(black_box(vec![0u8; 100]));
    println!("freed {} blocks", A.frees.load(Relaxed));
}
