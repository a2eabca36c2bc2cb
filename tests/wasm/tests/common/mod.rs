//! Workloads shared by the test binaries. `configuration.rs` installs a configuration of the list
//! as its `#[global_allocator]` (so the test harness runs on it too) and instantiates
//! [`allocator_tests!`]; the other binaries use what they need.

//!
//! Every allocation goes through `black_box`: LLVM may remove an allocation whose memory it can
//! see is never observed, and a test that allocates nothing proves nothing.

#![allow(dead_code)]

use core::alloc::Layout;
use core::hint::black_box;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// Pages of linear memory now: `memory.size`.
pub fn pages() -> usize {
    core::arch::wasm32::memory_size(0)
}

/// xorshift64: a fixed pseudo-random sequence.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// std collections under load: a `Vec` grown to megabytes, a `String` built piece by piece,
/// `BTreeMap` and `HashMap` churn with inserts and removes. `scale` 1 is light (1 MiB, 500
/// map operations); the page allocator, which spends 64 KiB on every allocation, gets that.
pub fn collections(scale: usize) {
    let len = scale * 128 * 1024;
    let mut numbers: Vec<u64> = Vec::new();
    for i in 0..len as u64 {
        numbers.push(i ^ 0x5555);
    }
    assert_eq!(numbers.len() * 8, scale << 20);
    assert!(
        numbers
            .iter()
            .enumerate()
            .all(|(i, &x)| x == i as u64 ^ 0x5555)
    );
    drop(numbers);

    let mut text = String::new();
    for i in 0..scale * 5_000 {
        write!(text, "{i},").unwrap();
    }
    let parsed: Vec<usize> = text
        .trim_end_matches(',')
        .split(',')
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(parsed, (0..scale * 5_000).collect::<Vec<_>>());
    drop((text, parsed));

    let mut rng = Rng::new(7);
    let mut tree: BTreeMap<usize, Vec<u8>> = BTreeMap::new();
    let mut hash: HashMap<usize, Vec<u8>> = HashMap::new();
    let mut model: Vec<Option<u8>> = vec![None; scale * 50];
    for _ in 0..scale * 500 {
        let key = rng.below(model.len());
        if rng.next().is_multiple_of(3) {
            assert_eq!(tree.remove(&key).map(|v| v[0]), model[key]);
            assert_eq!(hash.remove(&key).map(|v| v[0]), model[key]);
            model[key] = None;
        } else {
            let value = vec![rng.next() as u8; 1 + key % 200];
            model[key] = Some(value[0]);
            tree.insert(key, value.clone());
            hash.insert(key, value);
        }
    }
    for (key, expected) in model.iter().enumerate() {
        assert_eq!(tree.get(&key).map(|v| v[0]), *expected);
        assert_eq!(hash.get(&key).map(|v| v[v.len() - 1]), *expected);
    }
}

/// `Box<[u8]>` of page-boundary sizes: 65,520, 65,536, 65,537 and their multiples.
pub fn page_boundary_boxes() {
    for pages in 1..=3 {
        for size in [pages * 65_536 - 16, pages * 65_536, pages * 65_536 + 1] {
            let mut boxed = black_box(vec![0u8; size].into_boxed_slice());
            boxed[0] = 1;
            boxed[size - 1] = 2;
            assert!(
                boxed[1..size - 1].iter().all(|&b| b == 0),
                "{size} B not zero"
            );
            assert_eq!((boxed[0], boxed[size - 1]), (1, 2));
        }
    }
}

/// Alignments from 1 byte to 128 KiB through `Layout`.
pub fn alignments() {
    for shift in 0..=17 {
        for size in [1, 100, 65_536] {
            let layout = Layout::from_size_align(size, 1 << shift).unwrap();
            // SAFETY: non-zero size; freed with the same layout.
            unsafe {
                let ptr = black_box(std::alloc::alloc(layout));
                assert!(!ptr.is_null(), "{size} B at {}", layout.align());
                assert_eq!(
                    ptr as usize % layout.align(),
                    0,
                    "{size} B at {}",
                    layout.align()
                );
                ptr.write_bytes(0xA5, size);
                std::alloc::dealloc(ptr, layout);
            }
        }
    }
}

/// `realloc` growing across pages and shrinking keeps the contents.
pub fn realloc_keeps_contents() {
    let mut data: Vec<u8> = (0..100).map(|i| i as u8).collect();
    for target in [1_000, 70_000, 200_000, 50, 65_537] {
        let before: Vec<u8> = data.iter().copied().take(target.min(data.len())).collect();
        data.resize(target, 0xEE);
        data.shrink_to_fit();
        data = black_box(data);
        assert_eq!(&data[..before.len()], &before[..]);
        for (i, byte) in data.iter_mut().enumerate() {
            *byte = (i % 251) as u8;
        }
    }
}

/// `alloc_zeroed` returns zeroes, also on memory that was used and freed.
pub fn alloc_zeroed_is_zero() {
    for size in [16, 4_096, 65_536, 100_000] {
        let layout = Layout::from_size_align(size, 8).unwrap();
        // SAFETY: non-zero size; each block is freed with its layout.
        unsafe {
            let dirty = black_box(std::alloc::alloc(layout));
            dirty.write_bytes(0xFF, size);
            std::alloc::dealloc(dirty, layout);
            let zeroed = black_box(std::alloc::alloc_zeroed(layout));
            assert!(!zeroed.is_null());
            assert!(
                core::slice::from_raw_parts(zeroed, size)
                    .iter()
                    .all(|&b| b == 0),
                "{size} B"
            );
            std::alloc::dealloc(zeroed, layout);
        }
    }
}

/// Runs `round` once to warm up, then `rounds` more times, asserting memory never grows again.
pub fn memory_stays_flat(rounds: usize, mut round: impl FnMut()) {
    round();
    let pages = pages();
    for i in 0..rounds {
        round();
        assert_eq!(self::pages(), pages, "memory grew in round {i}");
    }
}

/// The wee_alloc leak: 85,196 and 80,000 bytes, allocated and freed in a loop.
pub fn wee_alloc_round() {
    let a = black_box(vec![1u8; 85_196]);
    let b = black_box(vec![2u8; 80_000]);
    assert_eq!(a[85_195] + b[79_999], 3);
}

/// talc's runaway growth: 65,520 bytes, allocated and freed in a loop.
pub fn just_below_a_page_round() {
    let a = black_box(vec![3u8; 65_520]);
    assert_eq!(a[65_519], 3);
}

/// Memory held hostage (rlsf 0.2 was reported to grow 12 MiB here): allocate 8 MiB in blocks of
/// `first` bytes, free them all, then 8 MiB in blocks of `second` bytes. The second phase may grow
/// memory only as far as it needs on its own, its bytes plus 8 bytes per block (both sizes are
/// multiples of 8, so that covers every allocator's header, footer and rounding) and two pages;
/// when the first phase grew more than that, the second must not grow at all.
pub fn phase_change(first: usize, second: usize) {
    const TOTAL: usize = 8 << 20;
    const PAGE: usize = 65_536;
    let mut blocks: Vec<*mut u8> = Vec::with_capacity(TOTAL / first.min(second));
    let mut phase = |size: usize| {
        let layout = Layout::from_size_align(size, 8).unwrap();
        // SAFETY: non-zero sizes; every block is written within its size and freed with its
        // layout, once.
        unsafe {
            for i in 0..TOTAL / size {
                let p = black_box(std::alloc::alloc(layout));
                assert!(!p.is_null(), "{size} B, block {i}: out of memory");
                p.write(i as u8);
                p.add(size - 1).write(i as u8);
                blocks.push(p);
            }
            for (i, p) in blocks.drain(..).enumerate() {
                assert_eq!((p.read(), p.add(size - 1).read()), (i as u8, i as u8));
                std::alloc::dealloc(p, layout);
            }
        }
    };
    let before = pages();
    phase(first);
    let after_first = pages();
    phase(second);
    let need = (TOTAL / second * (second + 8)).div_ceil(PAGE) + 2;
    assert!(
        pages() <= after_first.max(before + need),
        "{first} B then {second} B: {} pages, {after_first} after the first phase, {before} \
         before; the second needs {need} on its own",
        pages()
    );
}

/// The tests every configuration runs: std collections, page-boundary boxes, alignments,
/// `realloc` and `alloc_zeroed`; and, for a freeing configuration (`cfg(zepto_frees)`, set by
/// build.rs from the list), the checks that memory stops growing once a workload repeats.
#[macro_export]
macro_rules! allocator_tests {
    () => {
        use wasm_bindgen_test::wasm_bindgen_test;

        /// The collections workload's scale: light for an allocator that spends fresh pages on
        /// every allocation.
        const SCALE: usize = if cfg!(zepto_whole_pages) { 1 } else { 16 };

        #[wasm_bindgen_test]
        fn std_collections_under_load() {
            common::collections(SCALE);
        }

        #[wasm_bindgen_test]
        fn boxes_of_page_boundary_sizes() {
            common::page_boundary_boxes();
        }

        #[wasm_bindgen_test]
        fn alignments_up_to_128_kib() {
            common::alignments();
        }

        #[wasm_bindgen_test]
        fn realloc_keeps_contents() {
            common::realloc_keeps_contents();
        }

        #[wasm_bindgen_test]
        fn alloc_zeroed_is_zero_on_reused_memory() {
            common::alloc_zeroed_is_zero();
        }

        /// For the freeing configurations only (`frees` in the list), but those that check, whose
        /// quarantine delays reuse (`checks`).
        #[cfg(all(zepto_frees, not(zepto_checks)))]
        mod frees {
            use super::*;

            #[wasm_bindgen_test]
            fn repeating_a_workload_does_not_grow_memory() {
                common::memory_stays_flat(3, || {
                    common::collections(SCALE);
                    common::page_boundary_boxes();
                    common::realloc_keeps_contents();
                });
            }

            #[wasm_bindgen_test]
            fn wee_alloc_leak_pattern_keeps_memory_flat() {
                common::memory_stays_flat(10_000, common::wee_alloc_round);
            }

            #[wasm_bindgen_test]
            fn just_below_a_page_keeps_memory_flat() {
                common::memory_stays_flat(10_000, common::just_below_a_page_round);
            }

            #[wasm_bindgen_test]
            fn tiny_blocks_freed_serve_200_kb_blocks() {
                common::phase_change(16, 200_000);
            }

            #[wasm_bindgen_test]
            fn blocks_of_200_kb_freed_serve_tiny_blocks() {
                common::phase_change(200_000, 16);
            }
        }
    };
}

/// Pages in [`ArenaGrower`]'s arena.
const ARENA_PAGES: usize = 64;

#[repr(C, align(65536))]
struct Arena([u8; ARENA_PAGES * 65_536]);

/// The static arena that [`ArenaGrower`] hands out, in the module's zero-initialised data.
static mut ARENA: Arena = Arena([0; ARENA_PAGES * 65_536]);

/// A grower over a static arena, never calling `memory.grow`: for a binary whose global
/// allocator must leave `memory.grow` to the test (the harness allocates before any test runs).
/// Hands out the arena's pages in rising order, each once.
pub struct ArenaGrower {
    used: core::cell::Cell<usize>,
}

impl ArenaGrower {
    pub const fn new() -> Self {
        Self {
            used: core::cell::Cell::new(0),
        }
    }
}

// SAFETY: page-aligned runs of whole pages of one zeroed static that only this grower names
// (there is one `ArenaGrower` per binary), each page once; they never wrap.
unsafe impl zepto_alloc::MemoryGrower for ArenaGrower {
    fn grow(&self, pages: usize) -> Option<*mut u8> {
        let used = self.used.get();
        if pages == 0 || pages > ARENA_PAGES - used {
            return None;
        }
        self.used.set(used + pages);
        Some((&raw mut ARENA).cast::<u8>().wrapping_add(used * 65_536))
    }
}
