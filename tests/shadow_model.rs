//! Every configuration of the list (`size-budget.toml`), and the two freeing allocators on
//! their own, against the shadow model: a million random operations each (fewer under Miri), over
//! host growers that hand out regions in rising, falling and scattered address order, with and
//! without an unused tail and with gaps between regions.

mod common;

use zepto_alloc::testing::{Expect, HostGrower, Order, Rng, Stats, run};
use zepto_alloc::{BinnedAllocator, FreeListAllocator, PAGE_SIZE};
use zepto_configs::host;

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

/// The allocator on its own, without a wrapper (the configurations wrap it): the freeing
/// allocators' own invariants, checked under Stacked and Tree Borrows by `ci/test.sh miri`.
#[test]
fn free_list_allocator_matches_the_model() {
    run_freeing(1, OPS, &|grower, rng, ops| {
        let alloc = FreeListAllocator::with_grower(grower);
        run(&alloc, grower, Expect::Frees(&alloc), rng, ops)
    });
}

/// As [`free_list_allocator_matches_the_model`], for the binned allocator.
#[test]
fn binned_allocator_matches_the_model() {
    run_freeing(8, OPS, &|grower, rng, ops| {
        let alloc = BinnedAllocator::with_grower(grower);
        run(&alloc, grower, Expect::Frees(&alloc), rng, ops)
    });
}

/// Every configuration, as it is built for a program: freeing ones under every grower
/// configuration, leaking ones in batches over fresh growers, `FailAllocator` refusing all.
#[test]
fn every_configuration_matches_the_model() {
    common::each("shadow-model", true, |config| {
        let seed = common::seed(config);
        let body: Body<'_> = &|grower, rng, ops| {
            let built = host::build(config, grower);
            let stats = run(built.allocator(), grower, built.expect(config), rng, ops);
            if let Some(counters) = built.counters() {
                host::counted_as_the_model_did(counters, &stats);
            }
            stats
        };
        if config.frees {
            run_freeing(seed, OPS, body);
        } else if config.allocates {
            // A page allocator spends a page or more on every allocation: smaller batches.
            let (batch, capacity) = match (config.whole_pages, cfg!(miri)) {
                (false, false) => (5_000, 1024),
                (false, true) => (500, 64),
                (true, false) => (500, 2048),
                (true, true) => (100, 192),
            };
            run_leaking(seed, batch, capacity, body);
        } else {
            let grower = HostGrower::new(1);
            let stats = body(&grower, &mut Rng::new(seed), OPS / 10);
            assert_eq!(stats.allocs + stats.reallocs, 0);
            assert!(stats.nulls > 0);
        }
    });
}
