//! The threads and their checks (see the crate comment).

use std::alloc::{Layout, alloc, alloc_zeroed, dealloc, realloc};

use zepto_alloc::PAGE_SIZE;

/// Threads sharing the allocator.
const THREADS: u32 = 4;
/// Allocator calls per thread and round.
const OPS: u32 = 100_000;

/// The wasm suite's helpers (`tests/wasm/tests/common`): its `Rng` here.
#[path = "../../wasm/tests/common/mod.rs"]
mod common;
use common::Rng;

/// A live block and the seed of the pattern in it.
struct Block {
    ptr: *mut u8,
    layout: Layout,
    seed: u32,
}

fn pattern(seed: u32, i: usize) -> u8 {
    (seed ^ (seed >> 8) ^ (seed >> 16) ^ (i as u32).wrapping_mul(151)) as u8
}

/// Fills `len` bytes from `ptr` with the pattern of `seed`.
///
/// # Safety
///
/// `ptr` is valid for writing `len` bytes.
unsafe fn fill(ptr: *mut u8, len: usize, seed: u32) {
    for i in 0..len {
        // SAFETY: the caller's contract.
        unsafe { ptr.add(i).write(pattern(seed, i)) };
    }
}

/// Checks the first `len` bytes of `block` against its pattern.
fn check(block: &Block, len: usize, what: &str) {
    for i in 0..len {
        // SAFETY: a live block of at least `len` bytes.
        let byte = unsafe { block.ptr.add(i).read() };
        assert_eq!(
            byte,
            pattern(block.seed, i),
            "{what}: block {:#x} of {} bytes changed at offset {i}",
            block.ptr as usize,
            block.layout.size()
        );
    }
}

fn layout(rng: &mut Rng) -> Layout {
    let size = match rng.below(100) {
        0..90 => 1 + rng.below(256),
        90..99 => 257 + rng.below(4096),
        _ => 4097 + rng.below(70_000),
    };
    Layout::from_size_align(size, 1 << rng.below(8)).unwrap()
}

/// One thread's work: `OPS` calls over `slots` slots, then everything freed.
fn thread(id: u32, round: u32, slots: usize) {
    let mut rng = Rng::new(0x9E37_79B9_7F4A_7C15 ^ u64::from(id * 1000 + round + 1));
    let mut live: Vec<Option<Block>> = (0..slots).map(|_| None).collect();
    for op in 0..OPS {
        let seed = (id << 28) ^ (round << 24) ^ op;
        let slot = rng.below(slots);
        match (rng.below(10), live[slot].take()) {
            (0..5, old) => {
                if let Some(block) = old {
                    check(&block, block.layout.size(), "dealloc");
                    // SAFETY: a live block with its layout.
                    unsafe { dealloc(block.ptr, block.layout) };
                }
                let layout = layout(&mut rng);
                let zeroed = rng.below(4) == 0;
                // SAFETY: non-zero size.
                let ptr = unsafe {
                    if zeroed {
                        alloc_zeroed(layout)
                    } else {
                        alloc(layout)
                    }
                };
                assert!(!ptr.is_null(), "out of memory");
                assert_eq!(ptr as usize % layout.align(), 0, "misaligned");
                if zeroed {
                    for i in 0..layout.size() {
                        // SAFETY: a fresh block of `layout.size()` bytes.
                        assert_eq!(unsafe { ptr.add(i).read() }, 0, "alloc_zeroed not zero");
                    }
                }
                // SAFETY: as above.
                unsafe { fill(ptr, layout.size(), seed) };
                live[slot] = Some(Block { ptr, layout, seed });
            }
            (5..7, Some(block)) => {
                check(&block, block.layout.size(), "realloc");
                let new_size = layout(&mut rng).size();
                // SAFETY: a live block with its layout; a non-zero size that fits `isize`.
                let ptr = unsafe { realloc(block.ptr, block.layout, new_size) };
                assert!(!ptr.is_null(), "out of memory");
                let moved = Block {
                    ptr,
                    layout: Layout::from_size_align(new_size, block.layout.align()).unwrap(),
                    seed: block.seed,
                };
                check(&moved, new_size.min(block.layout.size()), "after realloc");
                // SAFETY: a live block of `new_size` bytes.
                unsafe { fill(ptr, new_size, seed) };
                live[slot] = Some(Block { seed, ..moved });
            }
            (_, Some(block)) => {
                check(&block, block.layout.size(), "dealloc");
                // SAFETY: a live block with its layout.
                unsafe { dealloc(block.ptr, block.layout) };
            }
            (_, None) => {}
        }
    }
    for block in live.into_iter().flatten() {
        check(&block, block.layout.size(), "final dealloc");
        // SAFETY: a live block with its layout.
        unsafe { dealloc(block.ptr, block.layout) };
    }
}

/// `THREADS` threads at once; returns when all have finished.
fn round(round: u32, slots: usize) {
    let threads: Vec<_> = (0..THREADS)
        .map(|id| std::thread::spawn(move || thread(id, round, slots)))
        .collect();
    for t in threads {
        t.join().expect("a thread failed");
    }
}

/// After a round, with every block freed: the main thread must get 4 KiB blocks adding up to 90%
/// of the memory the allocator holds, less a block per region (the tail of each region may be too
/// short for one), without the allocator growing. Freed memory that was lost, or left unmerged in
/// pieces, fails it, whatever the interleaving of the round before. Returns how many blocks fit
/// before the allocator grew, as a share of what it held (for the report).
fn nothing_lost(round: u32) -> f64 {
    const BLOCK: usize = 4096;
    let layout = Layout::from_size_align(BLOCK, 16).unwrap();
    // The list of blocks, allocated before the count is read (it may grow memory itself).
    let mut blocks = Vec::with_capacity((crate::grown().0 + 1) * PAGE_SIZE / BLOCK);
    let (pages, regions) = crate::grown();
    let held = pages * PAGE_SIZE;
    let want = (held / 10 * 9 / BLOCK).saturating_sub(regions);
    while crate::grown().0 == pages && blocks.len() < blocks.capacity() {
        // SAFETY: non-zero size.
        let ptr = unsafe { alloc(layout) };
        assert!(!ptr.is_null(), "out of memory");
        blocks.push(ptr);
    }
    let fitted = blocks.len() - usize::from(crate::grown().0 != pages);
    assert!(
        fitted >= want,
        "after round {round}: {fitted} blocks of 4 KiB fitted in the {held} bytes ({regions} \
         regions) the allocator holds with everything freed, {want} must: freed memory was lost \
         or left unmerged"
    );
    for ptr in blocks {
        // SAFETY: a live block with its layout.
        unsafe { dealloc(ptr, layout) };
    }
    (fitted * BLOCK) as f64 / held as f64
}

pub(crate) fn run(frees: bool) {
    round(0, 64);
    let first = frees.then(|| nothing_lost(0));
    round(1, 32);
    let second = frees.then(|| nothing_lost(1));
    let (pages, regions) = crate::grown();
    print!(
        "{THREADS} threads x {OPS} calls x 2 rounds; the allocator grew {pages} pages in {regions} regions"
    );
    match (first, second) {
        (Some(a), Some(b)) => println!(
            "; with everything freed, 4 KiB blocks filled {:.0}% and {:.0}% of it before it grew",
            a * 100.0,
            b * 100.0
        ),
        _ => println!(),
    }
}
