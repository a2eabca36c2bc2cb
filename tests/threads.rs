//! `LockedAllocator` shared by threads on the host: for every configuration that can run where
//! threads do (the list's `host-threads` suite), four threads run random operations at once
//! against one allocator and one shadow model, so a block handed to two threads, or memory lost
//! to a race, shows; then four threads allocate as fast as they can.

mod common;

use zepto_alloc::PAGE_SIZE;
use zepto_alloc::testing::{HostGrower, run_threads};
use zepto_configs::host;

const THREADS: usize = 4;
const OPS: usize = if cfg!(miri) { 80 } else { 100_000 };

/// Four threads run random operations on the configuration: `OPS` each on a freeing one, whose
/// every block is freed in the end and none refused; a quarter of that on a leaking one. Then
/// [`hammer`], over a fresh grower.
#[test]
fn configurations_shared_by_four_threads() {
    common::each("host-threads", false, |config| {
        let seed = common::seed(config);
        if config.frees {
            let grower = HostGrower::new(512).with_tail(PAGE_SIZE / 2);
            let built = host::build(config, &grower);
            let stats = run_threads(
                built.allocator(),
                &grower,
                built.inspect(),
                THREADS,
                OPS,
                seed,
            );
            assert_eq!(stats.ops, THREADS * OPS);
            assert_eq!(stats.nulls, 0);
            assert_eq!(stats.frees, stats.allocs);
            // A counting configuration counted every call of the four threads.
            if let Some(c) = built.counters() {
                assert_eq!(
                    (
                        c.live_bytes,
                        c.allocations,
                        c.deallocations,
                        c.reallocations,
                        c.failures
                    ),
                    (0, stats.allocs, stats.frees, stats.reallocs, 0)
                );
            }
        } else {
            let grower = HostGrower::new(if cfg!(miri) { 64 } else { 8192 });
            let built = host::build(config, &grower);
            let stats = run_threads(built.allocator(), &grower, None, THREADS, OPS / 4, seed);
            assert_eq!(stats.ops, THREADS * (OPS / 4));
            assert_eq!(stats.nulls, 0);
        }
        let grower = HostGrower::new(if cfg!(miri) { 16 } else { 512 });
        hammer(host::build(config, &grower).allocator());
    });
}

/// A block handed back from a worker thread: the pointer itself (not its address, which would
/// lose provenance) and the byte its thread wrote.
struct Block(*mut u8, u8);

// SAFETY: the pointer is only read after the worker that wrote through it has been joined, which
// orders its writes before the reads.
unsafe impl Send for Block {}

/// Four threads allocating small blocks as fast as they can, with no model in between, so that
/// their calls really overlap; afterwards no two blocks may overlap and each still holds the
/// pattern its thread wrote.
fn hammer<A: core::alloc::GlobalAlloc + Sync + ?Sized>(alloc: &A) {
    use core::alloc::Layout;
    let per_thread = if cfg!(miri) { 100 } else { 50_000 };
    let layout = Layout::from_size_align(24, 8).unwrap();
    let mut blocks: Vec<Block> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS as u8)
            .map(|t| {
                scope.spawn(move || {
                    (0..per_thread)
                        .map(|_| {
                            // SAFETY: non-zero size.
                            let ptr = unsafe { alloc.alloc(layout) };
                            assert!(!ptr.is_null());
                            // SAFETY: a fresh block of `layout.size()` bytes.
                            unsafe { ptr.write_bytes(t, layout.size()) };
                            Block(ptr, t)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    blocks.sort_unstable_by_key(|b| b.0.addr());
    for pair in blocks.windows(2) {
        assert!(
            pair[0].0.addr() + layout.size() <= pair[1].0.addr(),
            "two threads got overlapping blocks"
        );
    }
    for &Block(ptr, t) in &blocks {
        // SAFETY: every block is live and was fully written.
        let bytes = unsafe { core::slice::from_raw_parts(ptr, layout.size()) };
        assert!(
            bytes.iter().all(|&b| b == t),
            "a block was written by two threads"
        );
    }
}
