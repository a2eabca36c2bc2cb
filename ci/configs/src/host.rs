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
use zepto_alloc::testing::{Expect, HostGrower, Inspect};
use zepto_alloc::{
    AssumeSingleThreaded, BinnedAllocator, FailAllocator, FreeListAllocator, LeakingAllocator,
    LeakingPageAllocator, LockedAllocator,
};

/// A configuration built over a host grower.
pub trait Built: Sync {
    /// The allocator, as the suites call it.
    fn allocator(&self) -> &(dyn GlobalAlloc + Sync);

    /// Its free blocks, for a freeing allocator.
    fn inspect(&self) -> Option<&(dyn Inspect + Sync)>;

    /// What the shadow model expects of it.
    fn expect(&self, config: &Configuration) -> Expect<'_> {
        match self.inspect() {
            Some(inspect) => Expect::Frees(inspect),
            None if config.allocates => Expect::Leaks,
            None => Expect::Fail,
        }
    }
}

/// An allocator that keeps no free list the model could look at.
struct Plain<A>(A);

/// A freeing allocator: the model checks its free blocks.
struct Freeing<A>(A);

impl<A: GlobalAlloc + Sync> Built for Plain<A> {
    fn allocator(&self) -> &(dyn GlobalAlloc + Sync) {
        &self.0
    }

    fn inspect(&self) -> Option<&(dyn Inspect + Sync)> {
        None
    }
}

impl<A: GlobalAlloc + Inspect + Sync> Built for Freeing<A> {
    fn allocator(&self) -> &(dyn GlobalAlloc + Sync) {
        &self.0
    }

    fn inspect(&self) -> Option<&(dyn Inspect + Sync)> {
        Some(&self.0)
    }
}

/// Wraps `$leaf` (of kind `Plain` or `Freeing`) in the configuration's wrappers. `sync`: the
/// allocator is `Sync` on its own, so it can also stand without a wrapper.
macro_rules! wrapped {
    ($config:expr, $kind:ident, $leaf:expr) => {
        match $config.recipe.wrappers().as_slice() {
            ["AssumeSingleThreaded"] => {
                // SAFETY: the host suites use an `AssumeSingleThreaded` configuration from one
                // thread only (the threads suites run those with `threads`, which it lacks).
                let alloc = unsafe { AssumeSingleThreaded::new($leaf) };
                Box::new($kind(alloc))
            }
            ["LockedAllocator"] => Box::new($kind(LockedAllocator::new($leaf))),
            other => no_block($config, other),
        }
    };
    ($config:expr, $kind:ident, $leaf:expr, sync) => {
        match $config.recipe.wrappers().as_slice() {
            [] => Box::new($kind($leaf)),
            _ => wrapped!($config, $kind, $leaf),
        }
    };
}

/// Builds `config` over `grower`. Panics, naming the configuration, when the list combines the
/// building blocks in a way this function has no arm for.
pub fn build<'g>(config: &Configuration, grower: &'g HostGrower) -> Box<dyn Built + 'g> {
    match config.recipe.allocator() {
        "FailAllocator" => wrapped!(config, Plain, FailAllocator, sync),
        "LeakingPageAllocator" => {
            wrapped!(
                config,
                Plain,
                LeakingPageAllocator::with_grower(grower),
                sync
            )
        }
        "LeakingAllocator" => wrapped!(config, Plain, LeakingAllocator::with_grower(grower)),
        "FreeListAllocator" => wrapped!(config, Freeing, FreeListAllocator::with_grower(grower)),
        "BinnedAllocator" => wrapped!(config, Freeing, BinnedAllocator::with_grower(grower)),
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
    // The figures do not matter here; `run` panics on any discrepancy.
    let _stats = zepto_alloc::testing::run(
        built.allocator(),
        &grower,
        built.expect(config),
        &mut ops,
        usize::MAX,
    );
}
