//! Records the allocation trace that the benchmark replays: a real Rust program compiled to wasm
//! with a global allocator that logs every call. The program does what web front ends do with
//! data: it parses a JSON document (`cargo metadata` of this workspace, 270 KB, in
//! `cargo-metadata.json`) into a `serde_json::Value`, indexes the packages' dependencies in a
//! `BTreeMap`, serializes the document back to text, and renders this repository's README.md to
//! HTML with pulldown-cmark; `record(iterations)` does that `iterations` times.
//!
//! `ci/bench/record-trace.mjs` instantiates the module, calls `record` and saves the trace to
//! `ci/bench/trace/json-markdown.trace`; the format is documented in
//! `ci/bench/module/src/lib.rs`.

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

const README: &str = include_str!("../../../../README.md");
const METADATA: &str = include_str!("../cargo-metadata.json");

/// Runs the program `iterations` times, recording every allocation; returns a checksum.
#[unsafe(no_mangle)]
pub extern "C" fn record(iterations: u32) -> u32 {
    // SAFETY: one thread; no allocator call is running.
    unsafe { (*TRACING.0.get()).on = true };
    let mut total = 0;
    for _ in 0..iterations {
        let value: serde_json::Value = serde_json::from_str(METADATA).expect("valid JSON");
        let mut dependencies: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for package in value["packages"].as_array().into_iter().flatten() {
            let name = package["name"].as_str().unwrap_or_default().to_string();
            let deps = package["dependencies"].as_array().into_iter().flatten();
            let names = deps.map(|d| d["name"].as_str().unwrap_or_default().to_string());
            dependencies.entry(name).or_default().extend(names);
        }
        total += dependencies.values().map(Vec::len).sum::<usize>();
        total += serde_json::to_string_pretty(&value)
            .expect("serializable")
            .len();
        let mut html = String::new();
        let options = pulldown_cmark::Options::all();
        pulldown_cmark::html::push_html(
            &mut html,
            pulldown_cmark::Parser::new_ext(README, options),
        );
        total += html.len();
    }
    // SAFETY: as above.
    unsafe { (*TRACING.0.get()).on = false };
    total as u32
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
