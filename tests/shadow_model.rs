//! Every allocator against the shadow model: a million random operations each (fewer under
//! Miri), over host growers that hand out regions in rising, falling and scattered address order,
//! with and without an unused tail and with gaps between regions.

use zepto_alloc::testing::{Expect, HostGrower, Order, Rng, Stats, run};
use zepto_alloc::{
    AssumeSingleThreaded, BinnedAllocator, FailAllocator, FreeListAllocator, LeakingAllocator,
    LeakingPageAllocator, LockedAllocator, PAGE_SIZE,
};

/// Operations per allocator.
const OPS: usize = if cfg!(miri) { 400 } else { 1_000_000 };
const _: () = assert!(OPS % CONFIGS == 0);

/// How many grower configurations there are; [`grower`] numbers them.
const CONFIGS: usize = 8;

/// The grower configurations every allocator is run under, in turn: every address order the
/// `MemoryGrower` contract allows, with and without an unused tail below page 1 and gaps.
fn grower(config: usize, capacity: usize, limit: usize) -> HostGrower {
    let grower = HostGrower::new(capacity).with_limit(limit);
    match config % CONFIGS {
        0 => grower,
        1 => grower.with_tail(PAGE_SIZE - 48),
        2 => grower.with_gaps(),
        3 => grower.with_tail(4096).with_gaps(),
        4 => grower.with_order(Order::Falling).with_tail(4096),
        5 => grower.with_order(Order::Falling).with_gaps(),
        6 => grower
            .with_order(Order::Scattered(config as u64))
            .with_tail(256),
        _ => grower
            .with_order(Order::Scattered(config as u64))
            .with_gaps(),
    }
}

/// Operations per wrapper in the `behind_wrappers` tests. The wrappers only forward, so under
/// Miri (where the two tests took 240 of the shadow model's 290 seconds) each gets half a run.
const WRAPPER_OPS: usize = if cfg!(miri) { OPS / 2 } else { OPS };

/// Pages for freeing allocators: enough for the live set most of the time, so out-of-memory
/// nulls happen now and then.
const FREEING_LIMIT: usize = if cfg!(miri) { 40 } else { 160 };

/// One configured run: builds the allocator over the grower and runs `ops` operations.
type Body<'a> = &'a dyn Fn(&HostGrower, &mut Rng, usize) -> Stats;

/// Runs `ops` operations, an equal share under each grower configuration.
fn run_freeing(seed: u64, ops: usize, body: Body<'_>) {
    let mut total = 0;
    for config in 0..CONFIGS {
        // Scattered regions fragment the arena: give them room to land.
        let grower = grower(config, 2 * FREEING_LIMIT, FREEING_LIMIT);
        let stats = body(&grower, &mut Rng::new(seed + config as u64), ops / CONFIGS);
        assert!(
            stats.allocs > stats.ops / 4,
            "too few allocations succeeded: {stats:?}"
        );
        total += stats.ops;
    }
    assert_eq!(total, ops);
}

/// Leaking allocators run in batches, each with a fresh grower, until `OPS` are done.
fn run_leaking(seed: u64, batch: usize, capacity: usize, body: Body<'_>) {
    let mut total = 0;
    let mut config = 0;
    while total < OPS {
        let grower = grower(config, capacity, capacity);
        let stats = body(
            &grower,
            &mut Rng::new(seed + config as u64),
            batch.min(OPS - total),
        );
        assert!(
            stats.allocs > stats.ops / 4,
            "too few allocations succeeded: {stats:?}"
        );
        total += stats.ops;
        config += 1;
    }
}

#[test]
fn free_list_allocator_matches_the_model() {
    run_freeing(1, OPS, &|grower, rng, ops| {
        let alloc = FreeListAllocator::with_grower(grower);
        run(&alloc, grower, Expect::Frees(&alloc), rng, ops)
    });
}

#[test]
fn free_list_allocator_behind_wrappers_matches_the_model() {
    run_freeing(2, WRAPPER_OPS, &|grower, rng, ops| {
        // SAFETY: the test uses it from this thread only.
        let alloc = unsafe { AssumeSingleThreaded::new(FreeListAllocator::with_grower(grower)) };
        run(&alloc, grower, Expect::Frees(&alloc), rng, ops)
    });
    run_freeing(3, WRAPPER_OPS, &|grower, rng, ops| {
        let alloc = LockedAllocator::new(FreeListAllocator::with_grower(grower));
        run(&alloc, grower, Expect::Frees(&alloc), rng, ops)
    });
}

#[test]
fn binned_allocator_matches_the_model() {
    run_freeing(8, OPS, &|grower, rng, ops| {
        let alloc = BinnedAllocator::with_grower(grower);
        run(&alloc, grower, Expect::Frees(&alloc), rng, ops)
    });
}

#[test]
fn binned_allocator_behind_wrappers_matches_the_model() {
    run_freeing(9, WRAPPER_OPS, &|grower, rng, ops| {
        // SAFETY: the test uses it from this thread only.
        let alloc = unsafe { AssumeSingleThreaded::new(BinnedAllocator::with_grower(grower)) };
        run(&alloc, grower, Expect::Frees(&alloc), rng, ops)
    });
    run_freeing(10, WRAPPER_OPS, &|grower, rng, ops| {
        let alloc = LockedAllocator::new(BinnedAllocator::with_grower(grower));
        run(&alloc, grower, Expect::Frees(&alloc), rng, ops)
    });
}

#[test]
fn leaking_allocator_matches_the_model() {
    let (batch, capacity) = if cfg!(miri) { (500, 64) } else { (5_000, 1024) };
    run_leaking(4, batch, capacity, &|grower, rng, ops| {
        run(
            &LeakingAllocator::with_grower(grower),
            grower,
            Expect::Leaks,
            rng,
            ops,
        )
    });
}

#[test]
fn locked_leaking_allocator_matches_the_model() {
    let (capacity, ops) = if cfg!(miri) { (64, 500) } else { (1024, 5_000) };
    let grower = HostGrower::new(capacity).with_tail(256);
    let alloc = LockedAllocator::new(LeakingAllocator::with_grower(&grower));
    let stats = run(&alloc, &grower, Expect::Leaks, &mut Rng::new(5), ops);
    assert!(stats.allocs > stats.ops / 4);
}

#[test]
fn leaking_page_allocator_matches_the_model() {
    let (batch, capacity) = if cfg!(miri) { (100, 192) } else { (500, 2048) };
    run_leaking(6, batch, capacity, &|grower, rng, ops| {
        run(
            &LeakingPageAllocator::with_grower(grower),
            grower,
            Expect::Leaks,
            rng,
            ops,
        )
    });
}

#[test]
fn fail_allocator_returns_null_for_everything() {
    let grower = HostGrower::new(1);
    let stats = run(
        &FailAllocator,
        &grower,
        Expect::Fail,
        &mut Rng::new(7),
        OPS / 10,
    );
    assert_eq!(stats.allocs + stats.reallocs, 0);
    assert!(stats.nulls > 0);
}
