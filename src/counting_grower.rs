//! [`CountingGrower`]: counts the memory an allocator takes from its grower, into a
//! [`GrowthCounter`] of the program's own.
//!
//! The counter lives outside the allocator (a `static`), so it can be read wherever the program
//! likes, whatever wrappers the allocator is in. Invariant: `bytes` is the sum of the lengths of
//! the regions the grower returned (the pages, and for [`HeapTailGrower`](crate::HeapTailGrower)
//! the tail it prepends), `regions` their number; both only grow.

use crate::grower::{MemoryGrower, PAGE_SIZE};
use crate::wasm_grower::WasmGrower;
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// What a [`CountingGrower`] handed out: bytes of memory and regions.
#[derive(Debug, Default)]
pub struct GrowthCounter {
    bytes: AtomicUsize,
    regions: AtomicUsize,
}

impl GrowthCounter {
    /// A counter at zero.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            bytes: AtomicUsize::new(0),
            regions: AtomicUsize::new(0),
        }
    }

    /// Bytes of memory handed out so far.
    pub fn bytes(&self) -> usize {
        self.bytes.load(Relaxed)
    }

    /// Regions handed out so far (one per successful grow).
    pub fn regions(&self) -> usize {
        self.regions.load(Relaxed)
    }
}

/// A grower that counts what another hands out, into a [`GrowthCounter`]: how much linear memory
/// the allocator over it took (a [`CountingAllocator`](crate::CountingAllocator) counts what the
/// program asked for).
///
/// ```no_run
/// use zepto_alloc::{
///     AssumeSingleThreaded, BinnedAllocator, CountingAllocator, CountingGrower, GrowthCounter,
/// };
///
/// static GROWN: GrowthCounter = GrowthCounter::new();
///
/// #[global_allocator]
/// static ALLOCATOR: CountingAllocator<AssumeSingleThreaded<BinnedAllocator<CountingGrower<'static>>>> =
///     // SAFETY: this program runs one thread.
///     CountingAllocator::new(unsafe {
///         AssumeSingleThreaded::new(BinnedAllocator::with_grower(CountingGrower::new(&GROWN)))
///     });
///
/// fn main() {
///     let v: Vec<u64> = (0..100_000).collect();
///     drop(v);
///     let asked = ALLOCATOR.counters().peak_bytes;
///     println!("asked for {asked} bytes at most; took {} bytes of memory", GROWN.bytes());
/// }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct CountingGrower<'c, G = WasmGrower> {
    grower: G,
    counter: &'c GrowthCounter,
}

impl<'c> CountingGrower<'c, WasmGrower> {
    /// `memory.grow`, counted into `counter`.
    #[must_use]
    pub const fn new(counter: &'c GrowthCounter) -> Self {
        Self::with_grower(WasmGrower, counter)
    }
}

impl<'c, G> CountingGrower<'c, G> {
    /// `grower`, counted into `counter`.
    #[must_use]
    pub const fn with_grower(grower: G, counter: &'c GrowthCounter) -> Self {
        Self { grower, counter }
    }

    /// The counter it counts into.
    pub const fn counter(&self) -> &'c GrowthCounter {
        self.counter
    }
}

// SAFETY: forwards to `G`, which upholds the contract; counting changes nothing it returns.
unsafe impl<G: MemoryGrower> MemoryGrower for CountingGrower<'_, G> {
    #[inline]
    fn grow(&self, pages: usize) -> Option<*mut u8> {
        let start = self.grower.grow(pages)?;
        self.counter.bytes.fetch_add(pages * PAGE_SIZE, Relaxed);
        self.counter.regions.fetch_add(1, Relaxed);
        Some(start)
    }

    #[inline]
    fn grow_region(&self, pages: usize) -> Option<*mut [u8]> {
        let region = self.grower.grow_region(pages)?;
        self.counter.bytes.fetch_add(region.len(), Relaxed);
        self.counter.regions.fetch_add(1, Relaxed);
        Some(region)
    }
}
