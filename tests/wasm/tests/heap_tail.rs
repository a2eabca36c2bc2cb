//! `HeapTailGrower` when it makes the program's first `memory.grow`: its first region also covers
//! the unused memory from `__heap_base` to the end of the initial memory, which a free list over
//! it fills before memory grows again; later regions are exactly the new pages. This binary's
//! global allocator takes its memory from a static arena (below `__heap_base`), so the promise
//! `HeapTailGrower::new` asks for holds: nothing else uses that memory.
#![cfg(target_arch = "wasm32")]

mod common;

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32::memory_size;
use wasm_bindgen_test::wasm_bindgen_test;
use zepto_alloc::{
    AssumeSingleThreaded, FreeListAllocator, HeapTailGrower, MemoryGrower, PAGE_SIZE,
};

#[global_allocator]
static ALLOCATOR: AssumeSingleThreaded<FreeListAllocator<common::ArenaGrower>> =
    // SAFETY: wasm without the `atomics` feature runs one thread.
    unsafe {
        AssumeSingleThreaded::new(FreeListAllocator::with_grower(common::ArenaGrower::new()))
    };

unsafe extern "C" {
    static __heap_base: u8;
    static __heap_end: u8;
}

#[wasm_bindgen_test]
fn the_first_region_takes_the_heap_tail_and_later_ones_do_not() {
    let (base, end) = (
        (&raw const __heap_base) as usize,
        (&raw const __heap_end) as usize,
    );
    assert_eq!(
        memory_size(0) * PAGE_SIZE,
        end,
        "nothing has grown memory yet"
    );
    assert!(
        base < end && base % 16 == 0,
        "heap base {base:#x}, end {end:#x}"
    );
    // SAFETY: nothing else in this binary uses the memory above `__heap_base` (see the top).
    let allocator = FreeListAllocator::with_grower(unsafe { HeapTailGrower::new() });
    let block = Layout::from_size_align(16, 8).unwrap();
    // The tail and the first page serve every 16-byte block they hold before memory grows again.
    let blocks = (end - base + PAGE_SIZE) / 16;
    let mut lowest = usize::MAX;
    for _ in 0..blocks {
        // SAFETY: non-zero size; never freed (the allocator is dropped at the end).
        let ptr = unsafe { allocator.alloc(block) };
        assert!(!ptr.is_null());
        lowest = lowest.min(ptr as usize);
    }
    assert_eq!(lowest, base, "the tail was used down to __heap_base");
    assert_eq!(
        memory_size(0) * PAGE_SIZE,
        end + PAGE_SIZE,
        "one page grown"
    );

    // Later regions are exactly the new pages.
    let before = memory_size(0);
    // SAFETY: as above.
    let region = unsafe { HeapTailGrower::new() }
        .grow_region(2)
        .expect("memory.grow");
    assert_eq!(region.cast::<u8>() as usize, before * PAGE_SIZE);
    assert_eq!(region.len(), 2 * PAGE_SIZE);
}
