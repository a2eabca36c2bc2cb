//! Records the allocation traces that the benchmark replays: the real programs of
//! `ci/bench/programs` compiled to wasm with a global allocator that logs every call (over std's
//! default allocator); `record(index, iterations)` runs program `index` that many times.
//!
//! `ci/bench/record-trace.mjs` instantiates the module, records each program once and saves its
//! trace to `ci/bench/trace/NAME.trace`; the format is in `ci/bench/trace/README.md`.

#![allow(clippy::missing_safety_doc)]

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use std::alloc::System;

/// Room for the trace (14 bytes a record) and the open-addressing map from pointers to ids.
const TRACE_BYTES: usize = 8 << 20;
const SLOTS: usize = 1 << 17;

struct State {
    on: bool,
    len: usize,
    ids: u32,
    trace: [u8; TRACE_BYTES],
    /// `(address, id + 1)`; 0 address: empty; `usize::MAX`: removed.
    map: [(usize, u32); SLOTS],
}

/// The tracing allocator: std's allocator underneath, every call recorded while `on`. The trace
/// and the map live in static memory, so recording allocates nothing itself.
struct Tracing(UnsafeCell<State>);

// SAFETY: a wasm module without the `atomics` feature has one thread.
unsafe impl Sync for Tracing {}

#[global_allocator]
static TRACING: Tracing = Tracing(UnsafeCell::new(State {
    on: false,
    len: 0,
    ids: 0,
    trace: [0; TRACE_BYTES],
    map: [(0, 0); SLOTS],
}));

impl State {
    fn slot(&self, address: usize) -> usize {
        let mut i = (address >> 3).wrapping_mul(0x9E37_79B9) % SLOTS;
        while self.map[i].0 != address && self.map[i].0 != 0 {
            i = (i + 1) % SLOTS;
        }
        i
    }

    /// A new id for a new block at `address`.
    fn insert(&mut self, address: usize) -> u32 {
        let id = self.ids;
        self.ids += 1;
        self.reinsert(address, id);
        id
    }

    /// Maps `address` to `id`.
    fn reinsert(&mut self, address: usize, id: u32) {
        let mut i = (address >> 3).wrapping_mul(0x9E37_79B9) % SLOTS;
        while self.map[i].0 != 0 && self.map[i].0 != usize::MAX {
            i = (i + 1) % SLOTS;
        }
        self.map[i] = (address, id + 1);
    }

    fn remove(&mut self, address: usize) -> u32 {
        let i = self.slot(address);
        assert_eq!(
            self.map[i].0, address,
            "freeing a block the trace never saw"
        );
        self.map[i].0 = usize::MAX;
        self.map[i].1 - 1
    }

    fn record(&mut self, op: u8, layout: Layout, id: u32, new_size: usize) {
        let at = self.len;
        assert!(at + 14 <= TRACE_BYTES, "trace buffer full");
        self.trace[at] = op;
        self.trace[at + 1] = layout.align().trailing_zeros() as u8;
        self.trace[at + 2..at + 6].copy_from_slice(&id.to_le_bytes());
        self.trace[at + 6..at + 10].copy_from_slice(&(layout.size() as u32).to_le_bytes());
        self.trace[at + 10..at + 14].copy_from_slice(&(new_size as u32).to_le_bytes());
        self.len += 14;
    }
}

// SAFETY: forwards every call to `System`; the bookkeeping touches only static memory.
unsafe impl GlobalAlloc for Tracing {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract; one thread.
        unsafe {
            let p = System.alloc(layout);
            let state = &mut *self.0.get();
            if state.on && !p.is_null() {
                let id = state.insert(p as usize);
                state.record(b'a', layout, id, 0);
            }
            p
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract; one thread.
        unsafe {
            let p = System.alloc_zeroed(layout);
            let state = &mut *self.0.get();
            if state.on && !p.is_null() {
                let id = state.insert(p as usize);
                state.record(b'z', layout, id, 0);
            }
            p
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract; one thread.
        unsafe {
            let state = &mut *self.0.get();
            if state.on {
                let id = state.remove(ptr as usize);
                state.record(b'f', layout, id, 0);
            }
            System.dealloc(ptr, layout);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract; one thread.
        unsafe {
            let p = System.realloc(ptr, layout, new_size);
            let state = &mut *self.0.get();
            if state.on && !p.is_null() {
                let id = state.remove(ptr as usize);
                state.record(b'r', layout, id, new_size);
                state.reinsert(p as usize, id);
            }
            p
        }
    }
}

/// Runs real program `index` of `zepto_bench_programs::PROGRAMS` `iterations` times, recording
/// every allocator call (the trace starts empty); returns a checksum (0 for an index out of
/// range).
#[unsafe(no_mangle)]
pub extern "C" fn record(index: u32, iterations: u32) -> u32 {
    let Some(program) = zepto_bench_programs::PROGRAMS.get(index as usize) else {
        return 0;
    };
    // SAFETY: one thread; no allocator call is running.
    unsafe {
        let state = &mut *TRACING.0.get();
        state.len = 0;
        state.on = true;
    }
    let mut total = 0u64;
    for _ in 0..iterations {
        total = total.wrapping_add((program.run)());
    }
    // SAFETY: as above.
    unsafe { (*TRACING.0.get()).on = false };
    total as u32
}

/// How many programs there are.
#[unsafe(no_mangle)]
pub extern "C" fn programs() -> u32 {
    zepto_bench_programs::PROGRAMS.len() as u32
}

/// The name of program `index` (UTF-8, `program_name_len(index)` bytes).
#[unsafe(no_mangle)]
pub extern "C" fn program_name(index: u32) -> *const u8 {
    zepto_bench_programs::PROGRAMS[index as usize].name.as_ptr()
}

/// The length of program `index`'s name.
#[unsafe(no_mangle)]
pub extern "C" fn program_name_len(index: u32) -> u32 {
    zepto_bench_programs::PROGRAMS[index as usize].name.len() as u32
}

/// The trace: the id count, then the records.
#[unsafe(no_mangle)]
pub extern "C" fn trace_ptr() -> *const u8 {
    // SAFETY: one thread; recording is off.
    unsafe {
        let state = &mut *TRACING.0.get();
        let ids = state.ids.to_le_bytes();
        state.trace.copy_within(0..state.len, 4);
        state.trace[..4].copy_from_slice(&ids);
        state.len += 4;
        state.trace.as_ptr()
    }
}

/// Bytes at `trace_ptr()`, once it has been called.
#[unsafe(no_mangle)]
pub extern "C" fn trace_len() -> u32 {
    // SAFETY: one thread.
    unsafe { (*TRACING.0.get()).len as u32 }
}
