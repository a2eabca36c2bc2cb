//! The benchmark's wasm module: workloads that run entirely inside wasm (one call from JavaScript
//! per run, none per operation) against one global allocator, named by `ZEPTO_CONFIG` from the
//! list in `size-budget.toml` (build.rs writes it): ours (the `bench` suite: freeing, single
//! threaded), or a reference row the benchmark runs (lol_alloc 0.4.1's free list, talc 5.1.1's
//! `WasmDynamicTalc`, rlsf 0.2.3's `SmallGlobalTlsf`, the dlmalloc 0.2 crate, whose crates come in
//! with the features `lol`, `talc`, `rlsf`, `dlmalloc`; `std`, std's default allocator).
//!
//! Every allocator is wrapped in [`Counted`], which counts calls and tracks live bytes, so a run
//! reports how many allocator operations it made and the most bytes it had live at once.
//!
//! Exports: `program(index, repeats)` (a real program of `ci/bench/programs`, run whole),
//! `replay(index, rounds)` (its recorded allocation trace, `../trace/`), `churn(slots, steps,
//! seed)`, `realloc_heavy(rounds, seed)`, and `calls()`, `peak_live()` for the last run.

#![allow(clippy::missing_safety_doc)]

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;
use std::alloc::{alloc, dealloc, realloc};

/// Counts calls and live bytes around the allocator under test. The module is single-threaded
/// (wasm without `atomics`), so plain cells in a `Sync` wrapper suffice.
pub struct Counted<A> {
    inner: A,
    calls: Cell<u32>,
    live: Cell<usize>,
    peak: Cell<usize>,
}

// SAFETY: a wasm module without the `atomics` feature has one thread.
unsafe impl<A> Sync for Counted<A> {}

impl<A> Counted<A> {
    /// Wraps `inner` with all counters at zero.
    pub const fn new(inner: A) -> Self {
        Self {
            inner,
            calls: Cell::new(0),
            live: Cell::new(0),
            peak: Cell::new(0),
        }
    }

    fn count(&self, grow: usize, shrink: usize) {
        self.calls.set(self.calls.get().wrapping_add(1));
        let live = self.live.get() + grow - shrink;
        self.live.set(live);
        if live > self.peak.get() {
            self.peak.set(live);
        }
    }
}

// SAFETY: forwards every call to `inner`; only counts around it.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counted<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { self.inner.alloc(layout) };
        self.count(if p.is_null() { 0 } else { layout.size() }, 0);
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { self.inner.alloc_zeroed(layout) };
        self.count(if p.is_null() { 0 } else { layout.size() }, 0);
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { self.inner.dealloc(ptr, layout) };
        self.count(0, layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { self.inner.realloc(ptr, layout, new_size) };
        if p.is_null() {
            self.count(0, 0);
        } else {
            self.count(new_size, layout.size());
        }
        p
    }
}

// The counted global allocator: the configuration or reference row named by `ZEPTO_CONFIG`
// (size-budget.toml; `std` for std's default), inside `Counted`, written by build.rs.
#[cfg(target_arch = "wasm32")]
include!(concat!(env!("OUT_DIR"), "/configuration.rs"));

/// Allocator calls since the last workload started.
#[cfg(target_arch = "wasm32")]
#[unsafe(no_mangle)]
pub extern "C" fn calls() -> u32 {
    ALLOCATOR.calls.get()
}

/// The most bytes live at once since the last workload started.
#[cfg(target_arch = "wasm32")]
#[unsafe(no_mangle)]
pub extern "C" fn peak_live() -> u32 {
    ALLOCATOR.peak.get() as u32
}

#[cfg(target_arch = "wasm32")]
fn start() {
    ALLOCATOR.calls.set(0);
    ALLOCATOR.peak.set(ALLOCATOR.live.get());
}

#[cfg(not(target_arch = "wasm32"))]
fn start() {}

/// xorshift32: a fixed pseudo-random sequence.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }

    fn below(&mut self, n: u32) -> u32 {
        self.next() % n
    }

    /// The churn's size mix: 80% 8–127 B, 18% 128–2047 B, 2% 2–64 KiB.
    fn size(&mut self) -> usize {
        let class = self.below(100);
        (if class < 80 {
            8 + self.below(120)
        } else if class < 98 {
            128 + self.below(1920)
        } else {
            2048 + self.below(63 * 1024)
        }) as usize
    }
}

/// Random churn over a table of `slots` live slots: each step picks a slot and allocates into it
/// if it is empty, otherwise frees (75%) or reallocates (25%) its block. The table is allocated
/// before the workload starts; the blocks are left live at the end (the instance is discarded).
#[unsafe(no_mangle)]
pub extern "C" fn churn(slots: u32, steps: u32, seed: u32) -> u32 {
    let mut table: Vec<(*mut u8, usize)> = vec![(core::ptr::null_mut(), 0); slots as usize];
    let mut rng = Rng(seed | 1);
    let mut checksum = 0u32;
    start();
    for _ in 0..steps {
        let slot = &mut table[rng.below(slots) as usize];
        // SAFETY: every block in the table is live with the size stored beside it (align 8).
        unsafe {
            if slot.0.is_null() {
                let size = rng.size();
                let p = alloc(Layout::from_size_align_unchecked(size, 8));
                p.write(size as u8);
                *slot = (p, size);
            } else if rng.below(4) != 0 {
                checksum = checksum.wrapping_add(u32::from(slot.0.read()));
                dealloc(slot.0, Layout::from_size_align_unchecked(slot.1, 8));
                *slot = (core::ptr::null_mut(), 0);
            } else {
                let size = rng.size();
                let p = realloc(slot.0, Layout::from_size_align_unchecked(slot.1, 8), size);
                p.add(size - 1).write(1);
                *slot = (p, size);
            }
        }
    }
    checksum
}

/// Growing `Vec`s and `String`s: in each round, 256 vectors and 256 strings grow side by side
/// (so growth cannot always happen in place) to random lengths up to 512 elements, then all are
/// dropped. Half of each grow the usual way, doubling their capacity; the other half one element
/// at a time (`reserve_exact(1)`, the pattern of code that builds buffers piecemeal), so that
/// nearly every step of theirs is a `realloc`.
#[unsafe(no_mangle)]
pub extern "C" fn realloc_heavy(rounds: u32, seed: u32) -> u32 {
    let mut rng = Rng(seed | 1);
    let mut checksum = 0u32;
    start();
    for _ in 0..rounds {
        let mut vecs: Vec<Vec<u64>> = (0..256).map(|_| Vec::new()).collect();
        let mut strings: Vec<String> = (0..256).map(|_| String::new()).collect();
        let targets: Vec<usize> = (0..512).map(|_| 1 + rng.below(512) as usize).collect();
        let mut growing = true;
        while growing {
            growing = false;
            for (i, v) in vecs.iter_mut().enumerate() {
                if v.len() < targets[i] {
                    if i % 2 == 1 {
                        v.reserve_exact(1);
                    }
                    v.push(i as u64);
                    growing = true;
                }
            }
            for (i, s) in strings.iter_mut().enumerate() {
                if s.len() < targets[256 + i] {
                    if i % 2 == 1 {
                        s.reserve_exact(1);
                    }
                    s.push('x');
                    growing = true;
                }
            }
        }
        checksum = checksum.wrapping_add(vecs.iter().map(|v| v.len() as u32).sum::<u32>());
        checksum = checksum.wrapping_add(strings.iter().map(|s| s.len() as u32).sum::<u32>());
    }
    checksum
}

/// Runs real program `index` of [`zepto_bench_programs::PROGRAMS`] `repeats` times, whole, with
/// this module's allocator; returns the sum of its checksums (0 for an index out of range).
#[unsafe(no_mangle)]
pub extern "C" fn program(index: u32, repeats: u32) -> u32 {
    let Some(program) = zepto_bench_programs::PROGRAMS.get(index as usize) else {
        return 0;
    };
    start();
    let mut checksum = 0u64;
    for _ in 0..repeats {
        checksum = checksum.wrapping_add((program.run)());
    }
    checksum as u32
}

fn le(bytes: &[u8]) -> usize {
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize
}

/// Replays the recorded trace of real program `index` `rounds` times (see
/// `ci/bench/trace/README.md` for the traces and their format): the same calls, sizes and
/// alignments, in the same order, with each block id mapped to this run's pointer. Blocks the
/// traced program still held at the end are freed after each round, so rounds are alike.
#[unsafe(no_mangle)]
pub extern "C" fn replay(index: u32, rounds: u32) -> u32 {
    let Some(program) = zepto_bench_programs::PROGRAMS.get(index as usize) else {
        return 0;
    };
    let trace = program.trace;
    if trace.len() < 4 {
        return 0; // not recorded yet
    }
    let ids = le(trace);
    let mut blocks: Vec<(*mut u8, Layout)> =
        vec![(core::ptr::null_mut(), Layout::new::<u8>()); ids];
    let mut checksum = 0u32;
    start();
    for _ in 0..rounds {
        for record in trace[4..].chunks_exact(14) {
            let align = 1usize << record[1];
            let (id, size, new_size) = (le(&record[2..]), le(&record[6..]), le(&record[10..]));
            // SAFETY: the trace was recorded from a program that used the allocator correctly:
            // each id is allocated before it is freed or reallocated, with the layout recorded.
            unsafe {
                let layout = Layout::from_size_align_unchecked(size, align);
                let block = &mut blocks[id];
                match record[0] {
                    b'a' => *block = (alloc(layout), layout),
                    b'z' => *block = (std::alloc::alloc_zeroed(layout), layout),
                    b'r' => {
                        let p = realloc(block.0, layout, new_size);
                        *block = (p, Layout::from_size_align_unchecked(new_size, align));
                    }
                    _ => {
                        dealloc(block.0, layout);
                        block.0 = core::ptr::null_mut();
                        checksum = checksum.wrapping_add(1);
                    }
                }
            }
        }
        for (p, layout) in &mut blocks {
            if !p.is_null() {
                // SAFETY: a block the trace left live, with its layout.
                unsafe { dealloc(*p, *layout) };
                *p = core::ptr::null_mut();
            }
        }
    }
    checksum
}
