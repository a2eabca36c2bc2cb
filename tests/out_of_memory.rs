//! Out of memory: when the grower refuses, every allocator returns null, stays consistent and
//! allocates again once memory is available (after frees, or when the grower allows more).

use core::alloc::{GlobalAlloc, Layout};
use zepto_alloc::testing::{HostGrower, Inspect};
use zepto_alloc::{
    BinnedAllocator, FreeListAllocator, LeakingAllocator, LeakingPageAllocator, LockedAllocator,
    PAGE_SIZE,
};

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

/// Allocates `layout` until null; returns the blocks.
fn exhaust(alloc: &impl GlobalAlloc, layout: Layout) -> Vec<*mut u8> {
    let mut blocks = Vec::new();
    loop {
        // SAFETY: non-zero size.
        let ptr = unsafe { alloc.alloc(layout) };
        if ptr.is_null() {
            return blocks;
        }
        blocks.push(ptr);
        assert!(
            blocks.len() < 1_000_000,
            "the grower's limit was not enforced"
        );
    }
}

#[test]
fn free_list_allocator_recovers_after_frees() {
    let grower = HostGrower::new(8).with_limit(4);
    let alloc = LockedAllocator::new(FreeListAllocator::with_grower(&grower));
    let small = layout(40, 8);
    let blocks = exhaust(&alloc, small);
    assert_eq!(grower.pages(), 4, "it grew to the limit");
    // Carving from the end of each page leaves its first 16 bytes over: 1365 blocks a page.
    assert_eq!(blocks.len(), 3 * (PAGE_SIZE / 48));
    let refusals = grower.refusals();
    for _ in 0..10 {
        // SAFETY: non-zero sizes.
        unsafe {
            assert!(alloc.alloc(small).is_null());
            assert!(alloc.alloc_zeroed(small).is_null());
            assert!(alloc.realloc(blocks[0], small, 4096).is_null());
        }
    }
    assert!(grower.refusals() > refusals);
    // Everything still adds up while full.
    let free: usize = alloc.free_blocks().iter().map(|b| b.1).sum();
    // SAFETY: every block is live with `small`.
    let live: usize = blocks
        .iter()
        .map(|&b| unsafe { alloc.extent(b, small) }.1)
        .sum();
    assert_eq!(free + live, grower.bytes());
    for &ptr in &blocks {
        // SAFETY: allocated above with `small`.
        unsafe { alloc.dealloc(ptr, small) };
    }
    assert_eq!(
        alloc.free_blocks().len(),
        1,
        "everything merged back into one block"
    );
    // A block as large as all memory fits again without growing.
    let big = layout(3 * PAGE_SIZE, 8);
    // SAFETY: non-zero size.
    let ptr = unsafe { alloc.alloc(big) };
    assert!(!ptr.is_null());
    assert_eq!(grower.pages(), 4);
}

#[test]
fn leaking_allocators_allocate_again_when_memory_grows() {
    let grower = HostGrower::new(16).with_limit(3);
    let alloc = LeakingAllocator::with_grower(&grower);
    let blocks = exhaust(&alloc, layout(1000, 8));
    assert_eq!(blocks.len(), 2 * PAGE_SIZE / 1000);
    grower.set_limit(4);
    // SAFETY: non-zero size.
    assert!(!unsafe { alloc.alloc(layout(1000, 8)) }.is_null());

    let grower = HostGrower::new(16).with_limit(3);
    let alloc = LeakingPageAllocator::with_grower(&grower);
    assert_eq!(exhaust(&alloc, layout(1, 1)).len(), 2);
    grower.set_limit(5);
    // SAFETY: non-zero size.
    assert!(!unsafe { alloc.alloc(layout(PAGE_SIZE + 1, 1)) }.is_null());
}

/// Requests near `isize::MAX` and alignments near the top of the address space must return null,
/// not overflow (tests run with overflow checks on, so an overflow would panic).
#[test]
fn huge_requests_return_null_without_overflow() {
    let max = isize::MAX as usize;
    let huge = [
        layout(max, 1),
        layout(max - 7, 8),
        layout(max - (PAGE_SIZE - 1), PAGE_SIZE),
        layout(1, 1 << (usize::BITS - 2)),
        layout(max / 2, 1 << (usize::BITS - 3)),
    ];
    let grower = HostGrower::new(8);
    let free_list = FreeListAllocator::with_grower(&grower);
    let leaking = LeakingAllocator::with_grower(&grower);
    let pages = LeakingPageAllocator::with_grower(&grower);
    let binned = BinnedAllocator::with_grower(&grower);
    for layout in huge {
        // SAFETY: non-zero sizes.
        unsafe {
            assert!(binned.alloc(layout).is_null(), "{layout:?}");
            assert!(binned.alloc_zeroed(layout).is_null(), "{layout:?}");
            assert!(free_list.alloc(layout).is_null(), "{layout:?}");
            assert!(leaking.alloc(layout).is_null(), "{layout:?}");
            assert!(pages.alloc(layout).is_null(), "{layout:?}");
        }
    }
    // And they all still work.
    // SAFETY: non-zero sizes.
    unsafe {
        assert!(!binned.alloc(layout(8, 8)).is_null());
        assert!(!free_list.alloc(layout(8, 8)).is_null());
        assert!(!leaking.alloc(layout(8, 8)).is_null());
        assert!(!pages.alloc(layout(8, 8)).is_null());
    }
}

#[test]
fn binned_allocator_recovers_after_frees() {
    let grower = HostGrower::new(8).with_limit(4);
    let alloc = LockedAllocator::new(BinnedAllocator::with_grower(&grower));
    let small = layout(40, 8);
    let blocks = exhaust(&alloc, small);
    assert_eq!(grower.pages(), 4, "it grew to the limit");
    // Three contiguous pages, less the pad and sentinel words, in blocks of 40 bytes plus a
    // header and a footer word, rounded to two words.
    let word = size_of::<usize>();
    let block = (40 + 2 * word).next_multiple_of(2 * word);
    assert_eq!(blocks.len(), (3 * PAGE_SIZE - 2 * word) / block);
    // SAFETY: non-zero sizes; `blocks[0]` is live with `small`.
    unsafe {
        assert!(alloc.alloc(small).is_null());
        assert!(alloc.alloc_zeroed(small).is_null());
        assert!(alloc.realloc(blocks[0], small, 4096).is_null());
    }
    for &ptr in &blocks {
        // SAFETY: allocated above with `small`.
        unsafe { alloc.dealloc(ptr, small) };
    }
    assert_eq!(
        alloc.free_blocks().len(),
        1,
        "everything merged back into one block"
    );
    // SAFETY: non-zero size.
    assert!(!unsafe { alloc.alloc(layout(3 * PAGE_SIZE - 64, 8)) }.is_null());
    assert_eq!(grower.pages(), 4);
}
