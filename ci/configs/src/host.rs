//! The host suites' side of the list (feature `host`): each configuration built over a host
//! grower, for the shadow model, the threads suite, the out-of-memory and regression tests and the
//! fuzz target.
//!
//! [`build`] names the crate's building blocks, the allocators and the wrappers, and nothing
//! else: a configuration made of them needs no code here. A new allocator or wrapper is one arm
//! (below), and every suite then runs whatever configuration uses it. The allocator keeps its
//! concrete type, wrapper and all; the suites reach it through [`Built`].

use crate::Configuration;
use std::alloc::GlobalAlloc;
use zepto_alloc::testing::{Expect, HostGrower, Inspect, Stats};
use zepto_alloc::{
    AssumeSingleThreaded, BinnedAllocator, CheckedAllocator, Counters, CountingAllocator,
    FailAllocator, FreeListAllocator, LeakingAllocator, LeakingPageAllocator, LockedAllocator,
};

/// A configuration built over a host grower.
pub trait Built: Sync {
    /// The allocator, as the suites call it.
    fn allocator(&self) -> &(dyn GlobalAlloc + Sync);

    /// Its free blocks, for a freeing allocator.
    fn inspect(&self) -> Option<&(dyn Inspect + Sync)>;

    /// Its counters, for a [`CountingAllocator`].
    fn counters(&self) -> Option<Counters>;

    /// What the shadow model expects of it.
    fn expect(&self, config: &Configuration) -> Expect<'_> {
        match self.inspect() {
            Some(inspect) => Expect::Frees(inspect),
            None if config.allocates => Expect::Leaks,
            None => Expect::Fail,
        }
    }
}

/// An allocator of a concrete type, with how to see its free blocks and its counters (chosen
/// when it is built, by its building blocks).
struct Subject<A> {
    alloc: A,
    inspect: fn(&A) -> Option<&(dyn Inspect + Sync)>,
    counters: fn(&A) -> Option<Counters>,
}

impl<A: GlobalAlloc + Sync> Built for Subject<A> {
    fn allocator(&self) -> &(dyn GlobalAlloc + Sync) {
        &self.alloc
    }

    fn inspect(&self) -> Option<&(dyn Inspect + Sync)> {
        (self.inspect)(&self.alloc)
    }

    fn counters(&self) -> Option<Counters> {
        (self.counters)(&self.alloc)
    }
}

fn no_free_list<A>(_: &A) -> Option<&(dyn Inspect + Sync)> {
    None
}

fn free_list<A: Inspect + Sync>(alloc: &A) -> Option<&(dyn Inspect + Sync)> {
    Some(alloc)
}

fn no_counters<A>(_: &A) -> Option<Counters> {
    None
}

fn counters<A>(alloc: &CountingAllocator<A>) -> Option<Counters> {
    Some(alloc.counters())
}

/// `$leaf` in the configuration's wrappers, boxed; `$inspect` is `free_list` for a freeing
/// allocator (whose wrappers all pass its free blocks on), else `no_free_list`. `sync`: the
/// allocator is `Sync` on its own, so it can also stand without a wrapper, or have a counting or
/// checking one directly around it.
macro_rules! wrapped {
    ($config:expr, $inspect:ident, $leaf:expr) => {{
        macro_rules! subject {
            ($alloc:expr, $counters:ident) => {
                Box::new(Subject {
                    alloc: $alloc,
                    inspect: $inspect,
                    counters: $counters,
                })
            };
        }
        macro_rules! single {
            () => {{
                // SAFETY: the host suites use an `AssumeSingleThreaded` configuration from one
                // thread only (the threads suites run those with `threads`, which it lacks).
                unsafe { AssumeSingleThreaded::new($leaf) }
            }};
        }
        match $config.recipe.wrappers().as_slice() {
            ["AssumeSingleThreaded"] => subject!(single!(), no_counters),
            ["LockedAllocator"] => subject!(LockedAllocator::new($leaf), no_counters),
            ["CountingAllocator", "AssumeSingleThreaded"] => {
                subject!(CountingAllocator::new(single!()), counters)
            }
            ["CountingAllocator", "LockedAllocator"] => {
                subject!(
                    CountingAllocator::new(LockedAllocator::new($leaf)),
                    counters
                )
            }
            ["CheckedAllocator", "AssumeSingleThreaded"] => {
                subject!(CheckedAllocator::new(single!()), no_counters)
            }
            ["CheckedAllocator", "LockedAllocator"] => {
                subject!(
                    CheckedAllocator::new(LockedAllocator::new($leaf)),
                    no_counters
                )
            }
            other => no_block($config, other),
        }
    }};
    ($config:expr, $inspect:ident, $leaf:expr, sync) => {
        match $config.recipe.wrappers().as_slice() {
            [] => Box::new(Subject {
                alloc: $leaf,
                inspect: $inspect,
                counters: no_counters,
            }),
            ["CountingAllocator"] => Box::new(Subject {
                alloc: CountingAllocator::new($leaf),
                inspect: $inspect,
                counters,
            }),
            _ => wrapped!($config, $inspect, $leaf),
        }
    };
}

/// Builds `config` over `grower`. Panics, naming the configuration, when the list combines the
/// building blocks in a way this function has no arm for.
pub fn build<'g>(config: &Configuration, grower: &'g HostGrower) -> Box<dyn Built + 'g> {
    match config.recipe.allocator() {
        "FailAllocator" => wrapped!(config, no_free_list, FailAllocator, sync),
        "LeakingPageAllocator" => wrapped!(
            config,
            no_free_list,
            LeakingPageAllocator::with_grower(grower),
            sync
        ),
        "LeakingAllocator" => wrapped!(config, no_free_list, LeakingAllocator::with_grower(grower)),
        "FreeListAllocator" => wrapped!(config, free_list, FreeListAllocator::with_grower(grower)),
        "BinnedAllocator" => wrapped!(config, free_list, BinnedAllocator::with_grower(grower)),
        other => panic!(
            "{}: no host building block for the allocator {other} (ci/configs/src/host.rs)",
            config.name
        ),
    }
}

fn no_block(config: &Configuration, wrappers: &[&str]) -> ! {
    panic!(
        "{}: no host building block for the wrappers {wrappers:?} around {} \
         (ci/configs/src/host.rs)",
        config.name,
        config.recipe.allocator()
    )
}

/// The fuzz target's body: a grower from the first bytes of `data` ([`fuzz_grower`]), then
/// `config` over it against the shadow model. Panics on any discrepancy, which is what the fuzzer
/// looks for.
///
/// [`fuzz_grower`]: zepto_alloc::testing::fuzz_grower
pub fn fuzz(config: &Configuration, data: &[u8]) {
    let Some((grower, mut ops)) = zepto_alloc::testing::fuzz_grower(data) else {
        return;
    };
    let built = build(config, &grower);
    let stats = zepto_alloc::testing::run(
        built.allocator(),
        &grower,
        built.expect(config),
        &mut ops,
        usize::MAX,
    );
    if let Some(counters) = built.counters() {
        counted_as_the_model_did(counters, &stats);
    }
}

/// A counting configuration's counters after a run of the shadow model, against the model's own
/// totals: every block freed, every call counted as what it was (the fuzz body's small page
/// limits make refusals common, so `failures` is checked too).
pub fn counted_as_the_model_did(counters: Counters, stats: &Stats) {
    assert_eq!(
        counters,
        Counters {
            live_bytes: 0,
            peak_bytes: counters.peak_bytes,
            allocations: stats.allocs,
            deallocations: stats.frees,
            reallocations: stats.reallocs,
            failures: stats.nulls,
        },
        "the counters against the model's {stats:?}"
    );
    assert!(counters.peak_bytes > 0 || stats.allocs == 0);
}
