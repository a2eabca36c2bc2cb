//! Out of memory: when the grower refuses, every configuration that allocates returns null,
//! stays consistent and allocates again once memory is available (after frees, or when the grower
//! allows more); requests too large for the address space return null without overflowing.

mod common;

use core::alloc::{GlobalAlloc, Layout};
use zepto_alloc::PAGE_SIZE;
use zepto_alloc::testing::HostGrower;
use zepto_configs::{Configuration, host};

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

/// Allocates `layout` until null; returns the blocks.
fn exhaust(alloc: &(dyn GlobalAlloc + Sync), layout: Layout) -> Vec<*mut u8> {
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

/// How many blocks of a request fill memory, by allocator: what each packs into the grower's
/// pages, so a change in overhead shows.
fn blocks_until_full(config: &Configuration, size: usize) -> usize {
    let word = size_of::<usize>();
    match config.recipe.allocator() {
        // Three pages; carving from the end of each leaves its first 16 bytes over.
        "FreeListAllocator" => 3 * (PAGE_SIZE / (size + 8)),
        // Three contiguous pages, less the pad and sentinel words, in blocks of the request plus
        // a header and a footer word, rounded to two words.
        "BinnedAllocator" => {
            (3 * PAGE_SIZE - 2 * word) / (size + 2 * word).next_multiple_of(2 * word)
        }
        // Two pages, bumped through.
        "LeakingAllocator" => 2 * PAGE_SIZE / size,
        // A page each.
        "LeakingPageAllocator" => 2,
        other => panic!("{}: how many blocks does {other} pack?", config.name),
    }
}

#[test]
fn every_configuration_recovers_from_out_of_memory() {
    common::each("out-of-memory", true, |config| {
        huge_requests_return_null_without_overflow(config);
        if config.frees {
            recovers_after_frees(config);
        } else {
            allocates_again_when_memory_grows(config);
        }
    });
}

/// Fills memory up to the grower's limit, checks that every request is refused and that the
/// free list accounts for every byte, frees everything and allocates all of it again at once.
fn recovers_after_frees(config: &Configuration) {
    let grower = HostGrower::new(8).with_limit(4);
    let built = host::build(config, &grower);
    let (alloc, inspect) = (built.allocator(), built.inspect().unwrap());
    let small = layout(40, 8);
    let blocks = exhaust(alloc, small);
    assert_eq!(grower.pages(), 4, "it grew to the limit");
    // A checking wrapper asks the allocator for more per block than the program asks for: the
    // exact figures below are for the blocks as asked.
    let exact = !config.recipe.wrappers().contains(&"CheckedAllocator");
    if exact {
        assert_eq!(blocks.len(), blocks_until_full(config, 40));
    }
    let refusals = grower.refusals();
    for _ in 0..10 {
        // SAFETY: non-zero sizes; `blocks[0]` is live with `small`.
        unsafe {
            assert!(alloc.alloc(small).is_null());
            assert!(alloc.alloc_zeroed(small).is_null());
            assert!(alloc.realloc(blocks[0], small, 4096).is_null());
        }
    }
    assert!(grower.refusals() > refusals);
    // Everything still adds up while full.
    let free: usize = inspect.free_blocks().iter().map(|b| b.1).sum();
    // SAFETY: every block is live with `small`.
    let live: usize = blocks
        .iter()
        .map(|&b| unsafe { inspect.extent(b, small) }.1)
        .sum();
    let (front, back) = inspect.region_overhead();
    assert_eq!(free + live + front + back, grower.bytes());
    for &ptr in &blocks {
        // SAFETY: allocated above with `small`.
        unsafe { alloc.dealloc(ptr, small) };
    }
    assert_eq!(
        inspect.free_blocks().len(),
        1,
        "everything merged back into one block"
    );
    // A block as large as the free memory, less the allocator's own words for a block (the
    // binned allocator's header and footer), fits again without growing.
    let words = match config.recipe.allocator() {
        "BinnedAllocator" => 2,
        _ => 0,
    };
    let largest = inspect.free_blocks()[0].1 - words * size_of::<usize>();
    let largest = if exact { largest } else { largest / 2 };
    // SAFETY: non-zero size.
    assert!(!unsafe { alloc.alloc(layout(largest, 8)) }.is_null());
    assert_eq!(grower.pages(), 4);
}

/// A leaking configuration refused by its grower allocates again once the grower allows more.
fn allocates_again_when_memory_grows(config: &Configuration) {
    let grower = HostGrower::new(16).with_limit(3);
    let built = host::build(config, &grower);
    let alloc = built.allocator();
    let blocks = exhaust(alloc, layout(1000, 8));
    assert_eq!(blocks.len(), blocks_until_full(config, 1000));
    grower.set_limit(5);
    // SAFETY: non-zero size.
    assert!(!unsafe { alloc.alloc(layout(PAGE_SIZE + 1, 1)) }.is_null());
}

/// Requests near `isize::MAX` and alignments near the top of the address space must return null,
/// not overflow (tests run with overflow checks on, so an overflow would panic); the allocator
/// still works after them.
fn huge_requests_return_null_without_overflow(config: &Configuration) {
    let max = isize::MAX as usize;
    let huge = [
        layout(max, 1),
        layout(max - 7, 8),
        layout(max - (PAGE_SIZE - 1), PAGE_SIZE),
        layout(1, 1 << (usize::BITS - 2)),
        layout(max / 2, 1 << (usize::BITS - 3)),
    ];
    let grower = HostGrower::new(8);
    let built = host::build(config, &grower);
    let alloc = built.allocator();
    for layout in huge {
        // SAFETY: non-zero sizes.
        unsafe {
            assert!(alloc.alloc(layout).is_null(), "{layout:?}");
            assert!(alloc.alloc_zeroed(layout).is_null(), "{layout:?}");
        }
    }
    // SAFETY: non-zero size.
    assert!(!unsafe { alloc.alloc(layout(8, 8)) }.is_null());
}
