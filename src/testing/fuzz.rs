//! [`fuzz`]: the body of every fuzz target, and of the seeded host test that runs it without
//! libFuzzer (so `cargo test` and Miri exercise exactly what the fuzzer does).
//!
//! The first two input bytes pick the grower. The first: bits 0–4 a page limit from 2 to 33
//! pages (so out-of-memory is frequent), bit 5 an unused tail below the first page, bit 6 its
//! size (4 KiB or nearly a page), bit 7 gaps between regions. The second, the order of the
//! regions: rising (as `memory.grow`), falling, or scattered with a seed from that byte. The rest
//! is the operation stream [`run`] interprets.

use super::{Expect, HostGrower, Order, run};
use crate::{
    AssumeSingleThreaded, BinnedAllocator, FailAllocator, FreeListAllocator, LeakingAllocator,
    LeakingPageAllocator, LockedAllocator, PAGE_SIZE,
};

/// The allocators the fuzz targets cover, one target each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// [`FailAllocator`].
    Fail,
    /// [`LeakingPageAllocator`].
    LeakingPage,
    /// [`LeakingAllocator`] in [`AssumeSingleThreaded`].
    Leaking,
    /// [`FreeListAllocator`] in [`AssumeSingleThreaded`].
    FreeList,
    /// [`LeakingAllocator`] in [`LockedAllocator`].
    LockedLeaking,
    /// [`FreeListAllocator`] in [`LockedAllocator`].
    LockedFreeList,
    /// [`BinnedAllocator`] in [`AssumeSingleThreaded`].
    Binned,
    /// [`BinnedAllocator`] in [`LockedAllocator`].
    LockedBinned,
}

impl Subject {
    /// Every subject.
    pub const ALL: [Subject; 8] = [
        Subject::Fail,
        Subject::LeakingPage,
        Subject::Leaking,
        Subject::FreeList,
        Subject::LockedLeaking,
        Subject::LockedFreeList,
        Subject::Binned,
        Subject::LockedBinned,
    ];
}

/// Runs `data` against `subject` over a fresh host grower, checking everything [`run`] checks.
/// Panics on any discrepancy; that is what the fuzzer looks for.
pub fn fuzz(subject: Subject, data: &[u8]) {
    let [config, order, ref rest @ ..] = *data else {
        return;
    };
    let mut ops = rest;
    let order = match order % 3 {
        0 => Order::Rising,
        1 => Order::Falling,
        _ => Order::Scattered(u64::from(order)),
    };
    let limit = 2 + usize::from(config & 0x1f);
    let mut grower = HostGrower::new(limit).with_limit(limit).with_order(order);
    if config & 0x20 != 0 {
        grower = grower.with_tail(if config & 0x40 != 0 {
            4096
        } else {
            PAGE_SIZE - 48
        });
    }
    if config & 0x80 != 0 {
        grower = grower.with_gaps();
    }
    let g = &grower;
    let ops = &mut ops;
    let all = usize::MAX;
    // The figures do not matter here; `run` panics on any discrepancy.
    let _stats = match subject {
        Subject::Fail => run(&FailAllocator, g, Expect::Fail, ops, all),
        Subject::LeakingPage => run(
            &LeakingPageAllocator::with_grower(g),
            g,
            Expect::Leaks,
            ops,
            all,
        ),
        Subject::Leaking => {
            // SAFETY: used from this thread only.
            let alloc = unsafe { AssumeSingleThreaded::new(LeakingAllocator::with_grower(g)) };
            run(&alloc, g, Expect::Leaks, ops, all)
        }
        Subject::FreeList => {
            // SAFETY: used from this thread only.
            let alloc = unsafe { AssumeSingleThreaded::new(FreeListAllocator::with_grower(g)) };
            run(&alloc, g, Expect::Frees(&alloc), ops, all)
        }
        Subject::LockedLeaking => {
            let alloc = LockedAllocator::new(LeakingAllocator::with_grower(g));
            run(&alloc, g, Expect::Leaks, ops, all)
        }
        Subject::LockedFreeList => {
            let alloc = LockedAllocator::new(FreeListAllocator::with_grower(g));
            run(&alloc, g, Expect::Frees(&alloc), ops, all)
        }
        Subject::Binned => {
            // SAFETY: used from this thread only.
            let alloc = unsafe { AssumeSingleThreaded::new(BinnedAllocator::with_grower(g)) };
            run(&alloc, g, Expect::Frees(&alloc), ops, all)
        }
        Subject::LockedBinned => {
            let alloc = LockedAllocator::new(BinnedAllocator::with_grower(g));
            run(&alloc, g, Expect::Frees(&alloc), ops, all)
        }
    };
}
