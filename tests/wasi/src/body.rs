//! The checks, in WASI programs only (see the crate comment).
//!
//! On wasm32-wasip2 the environment and the file system are left out: there wasi-libc frees, with
//! its own `free`, the strings it gets from WASI calls, which the component model allocated
//! through std's `cabi_realloc`, which allocates with the global allocator. With any global
//! allocator but std's default that corrupts libc's heap (Rust 1.95; shown without this crate by
//! ci/repro/wasip2-cabi-realloc, which `ci/test.sh wasmtime` also runs, so that the day it is
//! fixed is noticed).

/// The workloads of the wasm32-unknown-unknown suite, shared rather than written twice.
#[path = "../../wasm/tests/common/mod.rs"]
mod common;

use std::hint::black_box;

unsafe extern "C" {
    /// wasi-libc's allocator, linked into every wasm32-wasip1 program with std.
    fn malloc(size: usize) -> *mut u8;
    fn free(ptr: *mut u8);
}

/// The variable `run.mjs` puts in the environment, and its value.
#[cfg(not(target_env = "p2"))]
const VARIABLE: (&str, &str) = ("ZEPTO_PROBE", "zepto-wasi-probe");

/// Where `run.mjs` preopens a fresh directory.
#[cfg(not(target_env = "p2"))]
const SANDBOX: &str = "/sandbox";

/// Pages the global allocator must grow memory by while filling it with boxes: more than the
/// unused memory between `__heap_base` and the initial memory's end, which libc's malloc uses.
const FILL_PAGES: usize = 4;

/// A block of libc's, filled with a pattern of its own.
struct LibcBlock {
    ptr: *mut u8,
    len: usize,
    seed: u8,
}

impl LibcBlock {
    fn new(len: usize, seed: u8) -> Self {
        // SAFETY: `malloc` may be called with any size; a non-null result has `len` bytes.
        let ptr = unsafe { malloc(len) };
        assert!(!ptr.is_null(), "libc malloc({len}) failed");
        for i in 0..len {
            // SAFETY: as above.
            unsafe { ptr.add(i).write(pattern(seed, i)) };
        }
        Self { ptr, len, seed }
    }

    fn verify(&self) {
        for i in 0..self.len {
            // SAFETY: a live block of `len` bytes.
            let byte = unsafe { self.ptr.add(i).read() };
            assert_eq!(
                byte,
                pattern(self.seed, i),
                "libc's block at {:#x} (+{}) was overwritten at offset {i}",
                self.ptr as usize,
                self.len
            );
        }
    }

    fn range(&self) -> (usize, usize) {
        (self.ptr as usize, self.ptr as usize + self.len)
    }
}

impl Drop for LibcBlock {
    fn drop(&mut self) {
        // SAFETY: from `malloc`, freed once.
        unsafe { free(self.ptr) }
    }
}

fn pattern(seed: u8, i: usize) -> u8 {
    seed ^ (i as u8).wrapping_mul(151) ^ 0x5A
}

fn pages() -> usize {
    core::arch::wasm32::memory_size(0)
}

/// Fails if `[start, end)` overlaps any of libc's blocks.
fn assert_apart(what: &str, start: usize, end: usize, libc: &[LibcBlock]) {
    for block in libc {
        let (lo, hi) = block.range();
        assert!(
            end <= lo || hi <= start,
            "{what} [{start:#x}, {end:#x}) overlaps libc's block [{lo:#x}, {hi:#x})"
        );
    }
}

/// libc's allocator at work through std: the environment, files and directories (not on
/// wasm32-wasip2: see the module comment).
#[cfg(not(target_env = "p2"))]
fn use_libc_through_std(round: usize) {
    use std::fmt::Write;
    use std::fs;

    assert_eq!(
        std::env::var(VARIABLE.0).as_deref(),
        Ok(VARIABLE.1),
        "env::var"
    );
    assert!(std::env::vars().any(|(k, v)| (k.as_str(), v.as_str()) == VARIABLE));
    let path =
        format!("{SANDBOX}/round-{round}/a file with a long name to make paths allocate.txt");
    fs::create_dir_all(format!("{SANDBOX}/round-{round}")).expect("create_dir_all");
    let mut text = String::new();
    for i in 0..2_000 {
        write!(text, "{i},").expect("writing to a String");
    }
    fs::write(&path, &text).expect("fs::write");
    assert_eq!(fs::read_to_string(&path).expect("fs::read_to_string"), text);
    assert_eq!(
        fs::metadata(&path).expect("fs::metadata").len(),
        text.len() as u64
    );
    let names: Vec<String> = fs::read_dir(format!("{SANDBOX}/round-{round}"))
        .expect("read_dir")
        .map(|entry| entry.expect("entry").file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

/// One round: libc blocks, then boxes from the global allocator (`count` of them, or until memory
/// grew by `FILL_PAGES` when `count` is `None`), checked against each other, then std's libc
/// users, then more libc blocks. Returns the number of boxes.
fn round(round: usize, count: Option<usize>) -> usize {
    let mut libc: Vec<LibcBlock> = (0..24)
        .map(|i| LibcBlock::new(8 << (i % 8), i as u8))
        .collect();
    let start = pages();
    let mut boxes: Vec<Box<[u8; 16]>> = Vec::new();
    loop {
        let done = match count {
            Some(n) => boxes.len() == n,
            None => pages() >= start + FILL_PAGES || boxes.len() == 200_000,
        };
        if done {
            break;
        }
        boxes.push(black_box(Box::new([boxes.len() as u8; 16])));
    }
    for (i, b) in boxes.iter().enumerate() {
        let start = &**b as *const [u8; 16] as usize;
        assert_apart("a box", start, start + 16, &libc);
        assert_eq!(**b, [i as u8; 16], "box {i} at {start:#x} was overwritten");
    }
    let list = boxes.as_ptr() as usize;
    assert_apart(
        "the list of boxes",
        list,
        list + boxes.capacity() * size_of::<usize>(),
        &libc,
    );
    libc.iter().for_each(LibcBlock::verify);

    #[cfg(not(target_env = "p2"))]
    use_libc_through_std(round);
    #[cfg(target_env = "p2")]
    let _ = round;
    libc.extend((0..24).map(|i| LibcBlock::new(24 + i * 40, 100 + i as u8)));
    for (i, b) in boxes.iter().enumerate() {
        let start = &**b as *const [u8; 16] as usize;
        assert_apart("a box", start, start + 16, &libc);
        assert_eq!(**b, [i as u8; 16], "box {i} at {start:#x} was overwritten");
    }
    libc.iter().for_each(LibcBlock::verify);
    boxes.len()
}

/// The workloads the wasm32-unknown-unknown suite runs (`tests/wasm/tests/common`), here in a
/// WASI program, with libc's blocks live throughout and checked after.
fn workloads(frees: bool, scale: usize) {
    let libc: Vec<LibcBlock> = (0..16)
        .map(|i| LibcBlock::new(40 + 24 * i, 200 + i as u8))
        .collect();
    common::collections(scale);
    common::page_boundary_boxes();
    common::alignments();
    common::realloc_keeps_contents();
    common::alloc_zeroed_is_zero();
    if frees {
        common::memory_stays_flat(3, || {
            common::collections(scale);
            common::page_boundary_boxes();
            common::realloc_keeps_contents();
        });
        common::memory_stays_flat(1_000, common::wee_alloc_round);
        common::memory_stays_flat(1_000, common::just_below_a_page_round);
    }
    libc.iter().for_each(LibcBlock::verify);
}

pub(crate) fn run(frees: bool, scale: usize) {
    let name = std::env::args().next().unwrap_or_default();
    let count = round(0, None);
    let after_first = pages();
    round(1, Some(count));
    if frees {
        assert_eq!(
            pages(),
            after_first,
            "memory grew in a second round of the same work"
        );
    }
    workloads(frees, scale);
    println!(
        "{name}: {count} boxes next to libc's malloc, workloads at scale {scale}, {} pages",
        pages()
    );
}
