//! [`run`]: bytes in, allocator operations out, each checked against the [`Model`].
//!
//! The same function is driven by a seeded [`Rng`] in `cargo test` and Miri, and by libFuzzer's
//! input in the fuzz target, so all three exercise one body. Each operation reads a few bytes:
//!
//! ```text
//!   op   slot  size-class size-lo size-hi  align     (alloc, alloc_zeroed)
//!   op   slot  size-class size-lo size-hi            (realloc)
//!   op   slot                                        (dealloc)
//! ```
//!
//! Sizes include one and two words, odd sizes, small and medium sizes, page-boundary sizes
//! (n·64 KiB − 16, n·64 KiB, n·64 KiB + 1) and large ones; alignments run from 1 to 128 KiB.

use super::{HostGrower, Inspect, Model, Reuse};
use crate::grower::PAGE_SIZE;
use core::alloc::{GlobalAlloc, Layout};
use std::sync::Mutex;

/// A stream of bytes that drives [`run`].
pub trait ByteSource {
    /// The next byte, or `None` when the input is exhausted.
    fn byte(&mut self) -> Option<u8>;
}

impl ByteSource for &[u8] {
    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.split_first()?;
        *self = rest;
        Some(first)
    }
}

/// SplitMix64: a seeded, endless byte source for reproducible random tests.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
    buffer: u64,
    left: u32,
}

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            state: seed,
            buffer: 0,
            left: 0,
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl ByteSource for Rng {
    fn byte(&mut self) -> Option<u8> {
        if self.left == 0 {
            self.buffer = self.next_u64();
            self.left = 8;
        }
        self.left -= 1;
        let byte = self.buffer as u8;
        self.buffer >>= 8;
        Some(byte)
    }
}

/// What [`run`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Operations performed.
    pub ops: usize,
    /// Successful `alloc` and `alloc_zeroed` calls.
    pub allocs: usize,
    /// Successful `realloc` calls.
    pub reallocs: usize,
    /// `dealloc` calls, including the final clean-up.
    pub frees: usize,
    /// Calls that returned null (only ever when the grower refused).
    pub nulls: usize,
}

/// Slots the operations address; a slot holds at most one live block.
const SLOTS: usize = 64;

/// How [`run`] judges the allocator.
#[derive(Clone, Copy)]
pub enum Expect<'a> {
    /// Every request returns null.
    Fail,
    /// Never reuses memory (the leaking allocators).
    Leaks,
    /// Frees and reuses memory; its free list is checked through [`Inspect`], and after the
    /// final clean-up it must hold exactly one free block per contiguous grown region.
    Frees(&'a dyn Inspect),
}

/// Runs at most `max_ops` operations decoded from `source` on `alloc`, which takes its memory
/// from `grower`, checking every result against a shadow [`Model`]; then frees every block and
/// checks that nothing was lost. Panics on the first discrepancy.
pub fn run<A: GlobalAlloc + ?Sized>(
    alloc: &A,
    grower: &HostGrower,
    expect: Expect<'_>,
    source: &mut impl ByteSource,
    max_ops: usize,
) -> Stats {
    let model = Mutex::new(Model::new(reuse(expect)));
    let inspect = match expect {
        Expect::Frees(inspect) => Some(inspect),
        _ => None,
    };
    let fail = matches!(expect, Expect::Fail);
    let mut stats = drive(alloc, grower, fail, inspect, source, max_ops, &model);
    finish(alloc, grower, inspect, model, &mut stats);
    stats
}

/// [`run`] on `threads` threads at once, each with its own operations (from `Rng`s seeded
/// `seed`, `seed + 1`, ...) and all against one model, so a block handed to one thread that
/// overlaps another thread's is caught. With `inspect` (a freeing allocator), the free list is
/// checked once all threads are done: every grown byte accounted for, one block per region.
pub fn run_threads<A: GlobalAlloc + Sync + ?Sized>(
    alloc: &A,
    grower: &HostGrower,
    inspect: Option<&(dyn Inspect + Sync)>,
    threads: usize,
    ops_per_thread: usize,
    seed: u64,
) -> Stats {
    let reuse = if inspect.is_some() {
        Reuse::Frees
    } else {
        Reuse::Never
    };
    let model = Mutex::new(Model::new(reuse));
    let mut stats = Stats::default();
    std::thread::scope(|scope| {
        let workers: std::vec::Vec<_> = (0..threads as u64)
            .map(|t| {
                let model = &model;
                scope.spawn(move || {
                    let mut rng = Rng::new(seed + t);
                    drive(alloc, grower, false, None, &mut rng, ops_per_thread, model)
                })
            })
            .collect();
        for worker in workers {
            let s = worker.join().expect("a thread failed");
            stats.ops += s.ops;
            stats.allocs += s.allocs;
            stats.reallocs += s.reallocs;
            stats.frees += s.frees;
            stats.nulls += s.nulls;
        }
    });
    let inspect = inspect.map(|i| i as &dyn Inspect);
    finish(alloc, grower, inspect, model, &mut stats);
    stats
}

fn reuse(expect: Expect<'_>) -> Reuse {
    if matches!(expect, Expect::Frees(_)) {
        Reuse::Frees
    } else {
        Reuse::Never
    }
}

/// The operation loop. Allocator calls happen outside the model's lock, so threads really call
/// the allocator concurrently; the model is locked to record and check each result. `inspect`
/// (single-threaded runs only) checks the free list every 64 operations.
fn drive<A: GlobalAlloc + ?Sized>(
    alloc: &A,
    grower: &HostGrower,
    fail: bool,
    inspect: Option<&dyn Inspect>,
    source: &mut impl ByteSource,
    max_ops: usize,
    model: &Mutex<Model>,
) -> Stats {
    let lock = || {
        model
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    let mut slots = [None::<usize>; SLOTS];
    let mut stats = Stats::default();
    while stats.ops < max_ops {
        let Some(op) = source.byte() else { break };
        let Some(slot) = source.byte() else { break };
        let slot = usize::from(slot) % SLOTS;
        stats.ops += 1;
        match op {
            // alloc (0..=99) or alloc_zeroed (100..=129) into the slot, freeing what is there.
            0..=129 => {
                let Some(layout) = layout(source) else { break };
                if let Some(address) = slots[slot].take() {
                    free(alloc, &mut lock(), address, &mut stats);
                }
                let zeroed = op >= 100;
                let refusals = grower.refusals();
                // SAFETY: the layout has a non-zero size.
                let ptr = unsafe {
                    if zeroed {
                        alloc.alloc_zeroed(layout)
                    } else {
                        alloc.alloc(layout)
                    }
                };
                if ptr.is_null() {
                    null_result(fail, grower, refusals, &mut stats);
                } else {
                    assert!(!fail, "FailAllocator returned a block");
                    // SAFETY: `alloc` just returned this block for `layout`.
                    unsafe { lock().add(ptr, layout, zeroed, Some(grower)) };
                    slots[slot] = Some(ptr.addr());
                    stats.allocs += 1;
                }
            }
            // realloc the slot's block to a new size.
            130..=179 => {
                let Some(new_size) = size(source) else { break };
                let Some(address) = slots[slot] else { continue };
                let taken = lock().take(address);
                let (ptr, layout) = taken.block();
                let refusals = grower.refusals();
                // SAFETY: `ptr` is live with `layout`; `new_size` is non-zero and, rounded up to
                // the alignment, far below isize::MAX.
                let new = unsafe { alloc.realloc(ptr, layout, new_size) };
                if new.is_null() {
                    null_result(fail, grower, refusals, &mut stats);
                    lock().restore(taken);
                } else {
                    // SAFETY: `realloc` just returned this block of `new_size` bytes.
                    unsafe { lock().moved(taken, new, new_size, Some(grower)) };
                    slots[slot] = Some(new.addr());
                    stats.reallocs += 1;
                }
            }
            // dealloc the slot's block.
            _ => {
                if let Some(address) = slots[slot].take() {
                    free(alloc, &mut lock(), address, &mut stats);
                }
            }
        }
        if let Some(inspect) = inspect
            && stats.ops % 64 == 0
        {
            lock().check_heap(inspect, grower);
        }
    }
    for address in slots.into_iter().flatten() {
        free(alloc, &mut lock(), address, &mut stats);
    }
    stats
}

/// After every block is freed: for freeing allocators, the free list must account for every
/// grown byte and hold exactly one block per contiguous grown region.
fn finish<A: GlobalAlloc + ?Sized>(
    alloc: &A,
    grower: &HostGrower,
    inspect: Option<&dyn Inspect>,
    model: Mutex<Model>,
    stats: &mut Stats,
) {
    let mut model = model
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for address in model.addresses() {
        free(alloc, &mut model, address, stats);
    }
    if let Some(inspect) = inspect {
        model.check_heap(inspect, grower);
        let (front, back) = inspect.region_overhead();
        let expected: std::vec::Vec<(usize, usize)> =
            super::inspect::joined_regions(inspect, grower)
                .iter()
                .map(|&(start, end)| (start + front, end - start - front - back))
                .collect();
        assert_eq!(
            inspect.free_blocks(),
            expected,
            "after freeing everything, the free list is not one block per region (as the allocator joins them)"
        );
    }
}

fn free<A: GlobalAlloc + ?Sized>(alloc: &A, model: &mut Model, address: usize, stats: &mut Stats) {
    let (ptr, layout) = model.remove(address);
    // SAFETY: the model only holds live blocks from `alloc`, with their layouts.
    unsafe { alloc.dealloc(ptr, layout) };
    stats.frees += 1;
}

fn null_result(fail: bool, grower: &HostGrower, refusals_before: usize, stats: &mut Stats) {
    if !fail {
        assert!(
            grower.refusals() > refusals_before,
            "null although the grower did not refuse"
        );
    }
    stats.nulls += 1;
}

/// Decodes a layout: a size (see [`size`]) and an alignment from 1 to 128 KiB, mostly small.
fn layout(source: &mut impl ByteSource) -> Option<Layout> {
    let size = size(source)?;
    let shift = match source.byte()? {
        b @ 0..=159 => b % 4,       // 1 to 8
        b @ 160..=239 => 4 + b % 5, // 16 to 256
        b @ 240..=251 => 9 + b % 4, // 512 to 4 KiB
        252 | 253 => 16,            // a page
        _ => 17,                    // two pages
    };
    Layout::from_size_align(size, 1 << shift).ok()
}

/// Decodes a non-zero size: one or two words, tiny, odd, small, medium, page-boundary and large.
/// Under Miri, where every byte written costs, medium sizes stay small and big ones are rare.
fn size(source: &mut impl ByteSource) -> Option<usize> {
    let class = source.byte()?;
    let value = usize::from(u16::from_le_bytes([source.byte()?, source.byte()?]));
    let word = size_of::<usize>();
    let (medium, large, boundary) = if cfg!(miri) {
        (1024, 254, 255)
    } else {
        (8192, 244, 250)
    };
    Some(match class {
        0..=23 => word,
        24..=47 => 2 * word,
        48..=63 => 1 + value % 3,
        64..=111 => (value % 128) | 1,
        112..=191 => 1 + value % 512,
        c if c < large => 1 + value % medium,
        c if c < boundary => 1 + value % (3 * PAGE_SIZE),
        _ => {
            let pages = 1 + value % 3;
            match (value >> 2) % 3 {
                0 => pages * PAGE_SIZE - 16,
                1 => pages * PAGE_SIZE,
                _ => pages * PAGE_SIZE + 1,
            }
        }
    })
}
