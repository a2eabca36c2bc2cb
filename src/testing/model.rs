//! [`Model`]: the shadow allocator every real one is checked against.
//!
//! It records each live block (address, layout, fill pattern) in an address-ordered map, and for
//! allocators that never reuse memory, every block ever handed out. Each new block must be
//! aligned, inside memory the grower handed out, and disjoint from every recorded block; its
//! contents are a pattern derived from a per-block seed, verified before it is freed and after
//! `realloc` moved it.

use super::HostGrower;
use super::Inspect;
use core::alloc::Layout;
use std::vec::Vec;

/// Whether an allocator may hand out memory again after it was freed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reuse {
    /// Freed memory goes back to a free list (checked through [`Inspect`]).
    Frees,
    /// Nothing is ever reused: a new block must not overlap any block ever handed out.
    Never,
}

/// A block taken out of the model while `realloc` runs (see [`Model::take`]).
#[derive(Debug)]
pub struct Taken(Block);

impl Taken {
    /// The block's pointer and layout, for `realloc`.
    pub fn block(&self) -> (*mut u8, Layout) {
        (self.0.ptr, self.0.layout)
    }
}

#[derive(Clone, Copy, Debug)]
struct Block {
    ptr: *mut u8,
    layout: Layout,
    seed: u8,
}

impl Block {
    /// Checks that the whole block still holds its pattern.
    ///
    /// # Safety
    ///
    /// The block must be live.
    unsafe fn verify(&self) {
        let size = self.layout.size();
        // SAFETY: a live block is valid for reading its size.
        unsafe { verify(self.ptr, size, size, self.seed) }
    }
}

/// The shadow model: the blocks an allocator has handed out and what they must contain.
#[derive(Debug)]
pub struct Model {
    reuse: Reuse,
    /// Live blocks by address.
    live: Blocks<Block>,
    /// Freed blocks' lengths by address, kept to check that `Reuse::Never` allocators never
    /// reuse.
    dead: Blocks<usize>,
    next_seed: u8,
}

// SAFETY: the raw pointers are to blocks of the allocator under test, which the model only
// touches while the caller holds it exclusively (behind a `Mutex` when threads share it).
unsafe impl Send for Model {}

impl Model {
    /// An empty model.
    pub fn new(reuse: Reuse) -> Self {
        Self {
            reuse,
            live: Blocks::default(),
            dead: Blocks::default(),
            next_seed: 1,
        }
    }

    /// Number of live blocks.
    pub fn len(&self) -> usize {
        self.live.len()
    }

    /// True when no block is live.
    pub fn is_empty(&self) -> bool {
        self.live.len() == 0
    }

    /// The addresses of all live blocks.
    pub fn addresses(&self) -> Vec<usize> {
        self.live.keys()
    }

    /// The live block at `address`: its pointer and layout.
    pub fn block(&self, address: usize) -> (*mut u8, Layout) {
        let block = self.live.get(address);
        (block.ptr, block.layout)
    }

    /// Checks a block `alloc` just returned and records it: aligned, inside the grower's memory,
    /// disjoint from every other block, zero if `zeroed`. Then fills it with its pattern.
    ///
    /// # Safety
    ///
    /// `ptr` must be a block of `layout.size()` bytes that an allocator just handed out (the
    /// checks catch an allocator that breaks this, as far as they can without touching it).
    pub unsafe fn add(
        &mut self,
        ptr: *mut u8,
        layout: Layout,
        zeroed: bool,
        grower: Option<&HostGrower>,
    ) {
        let (start, size) = (ptr.addr(), layout.size());
        assert!(!ptr.is_null());
        assert_eq!(
            start % layout.align(),
            0,
            "{start:#x} is not aligned to {}",
            layout.align()
        );
        let end = start
            .checked_add(size)
            .expect("block wraps the address space");
        if let Some(grower) = grower {
            let regions = grower.regions();
            let inside = regions.iter().any(|&(lo, hi)| lo <= start && end <= hi);
            assert!(
                inside,
                "[{start:#x}, {end:#x}) is outside the grown memory {regions:x?}"
            );
        }
        if let Some((other, block)) = self.live.last_below(end) {
            assert!(
                other + block.layout.size() <= start,
                "[{start:#x}, {end:#x}) overlaps a live block at {other:#x}"
            );
        }
        if self.reuse == Reuse::Never
            && let Some((other, &len)) = self.dead.last_below(end)
        {
            assert!(
                other + len <= start,
                "[{start:#x}, {end:#x}) reuses freed memory at {other:#x}"
            );
        }
        if zeroed {
            for i in checked_offsets(size) {
                // SAFETY: the caller's contract; the checks above found the block in grown memory
                // and clear of every other block.
                let byte = unsafe { ptr.add(i).read() };
                assert_eq!(
                    byte, 0,
                    "alloc_zeroed at {start:#x} is not zero at offset {i}"
                );
            }
        }
        let seed = self.next_seed;
        self.next_seed = self.next_seed.wrapping_add(1).max(1);
        for i in checked_offsets(size) {
            // SAFETY: as above.
            unsafe { ptr.add(i).write(pattern(seed, i)) };
        }
        self.live.insert(start, Block { ptr, layout, seed });
    }

    /// Verifies the block at `address` still holds its pattern.
    pub fn verify(&self, address: usize) {
        // SAFETY: the model only holds live blocks.
        unsafe { self.live.get(address).verify() };
    }

    /// Verifies and forgets the block at `address`, returning its pointer and layout for
    /// `dealloc`.
    pub fn remove(&mut self, address: usize) -> (*mut u8, Layout) {
        self.verify(address);
        let block = self.live.remove(address);
        if self.reuse == Reuse::Never {
            self.dead.insert(address, block.layout.size());
        }
        (block.ptr, block.layout)
    }

    /// Takes the block at `address` out of the model for `realloc`, after verifying it: while
    /// `realloc` runs, the allocator may free it and hand its memory to another thread, so the
    /// model must not hold it. Give it back with [`restore`](Model::restore) or
    /// [`moved`](Model::moved).
    pub fn take(&mut self, address: usize) -> Taken {
        self.verify(address);
        Taken(self.live.remove(address))
    }

    /// Puts back a block `realloc` left where it was (it returned null).
    pub fn restore(&mut self, taken: Taken) {
        let block = taken.0;
        // SAFETY: the block is still live: `realloc` failed.
        unsafe { block.verify() };
        self.live.insert(block.ptr.addr(), block);
    }

    /// Records that `realloc` moved the `taken` block to `new` (`new_size` bytes): checks the
    /// new block like `add` and that it starts with the old contents.
    ///
    /// # Safety
    ///
    /// As for [`add`](Model::add): `new` must be the block `realloc` just returned.
    pub unsafe fn moved(
        &mut self,
        taken: Taken,
        new: *mut u8,
        new_size: usize,
        grower: Option<&HostGrower>,
    ) {
        let old = taken.0;
        if self.reuse == Reuse::Never && new != old.ptr {
            self.dead.insert(old.ptr.addr(), old.layout.size());
        }
        let kept = old.layout.size().min(new_size);
        // SAFETY: the caller's contract: `new` holds `new_size >= kept` bytes.
        unsafe { verify(new, old.layout.size(), kept, old.seed) };
        let layout = Layout::from_size_align(new_size, old.layout.align()).unwrap();
        // SAFETY: the caller's contract.
        unsafe { self.add(new, layout, false, grower) };
    }

    /// Checks a freeing allocator's free list against the model and the grower: free blocks lie
    /// in grown memory, do not overlap live blocks, and free plus live bytes account for every
    /// grown byte (nothing lost, nothing handed out twice).
    pub fn check_heap(&self, inspect: &dyn Inspect, grower: &HostGrower) {
        let regions = super::inspect::joined_regions(inspect, grower);
        let free = inspect.free_blocks();
        let mut used: Vec<(usize, usize)> = self
            .live
            .values()
            .into_iter()
            // SAFETY: the model only holds live blocks, with their layouts.
            .map(|block| unsafe { inspect.extent(block.ptr, block.layout) })
            .chain(free.iter().copied())
            .collect();
        used.sort_unstable();
        for pair in used.windows(2) {
            let ((a, a_len), (b, _)) = (pair[0], pair[1]);
            assert!(
                a + a_len <= b,
                "[{a:#x}, +{a_len}) overlaps {b:#x} (free: {free:x?})"
            );
        }
        let (front, back) = inspect.region_overhead();
        for &(start, len) in &free {
            let inside = regions
                .iter()
                .any(|&(lo, hi)| lo + front <= start && start + len + back <= hi);
            assert!(
                inside,
                "free block {start:#x}+{len} outside the grown memory"
            );
        }
        let accounted: usize = used.iter().map(|&(_, len)| len).sum();
        assert_eq!(
            accounted + regions.len() * (front + back),
            grower.bytes(),
            "free + live + overhead bytes != grown bytes (free: {free:x?})"
        );
    }
}

/// The fill pattern: every byte depends on the seed and its offset, so shifted or mixed-up
/// copies show.
fn pattern(seed: u8, i: usize) -> u8 {
    seed ^ (i as u8).wrapping_mul(131) ^ ((i >> 8) as u8)
}

/// The offsets of a block that are filled and checked: all of them, except under Miri, where
/// every interpreted byte costs, blocks over 128 bytes are sampled: the first and last 64 bytes
/// (where an allocator's own writes would land) and every 61st byte between.
fn checked_offsets(len: usize) -> impl Iterator<Item = usize> {
    let sampled = cfg!(miri) && len > 128;
    let middle = if sampled { 61 } else { 1 };
    let (head, tail) = if sampled { (64, len - 64) } else { (len, len) };
    (0..head)
        .chain((head..tail).step_by(middle))
        .chain(tail..len)
}

/// Checks the pattern that a block of `len` bytes was filled with, in its first `kept` bytes.
///
/// # Safety
///
/// `ptr` must be valid for reading `kept` bytes.
unsafe fn verify(ptr: *mut u8, len: usize, kept: usize, seed: u8) {
    for i in checked_offsets(len).take_while(|&i| i < kept) {
        // SAFETY: the caller's contract.
        let byte = unsafe { ptr.add(i).read() };
        assert_eq!(
            byte,
            pattern(seed, i),
            "block at {:#x} changed at offset {i} of {len}",
            ptr.addr()
        );
    }
}

/// Blocks by start address. A `BTreeMap`, except under Miri, where interpreting a B-tree costs
/// milliseconds an operation and a sorted `Vec` of the few blocks a Miri run makes is far faster.
#[derive(Debug)]
struct Blocks<V> {
    #[cfg(not(miri))]
    map: std::collections::BTreeMap<usize, V>,
    #[cfg(miri)]
    vec: Vec<(usize, V)>,
}

impl<V> Default for Blocks<V> {
    fn default() -> Self {
        #[cfg(not(miri))]
        return Self {
            map: std::collections::BTreeMap::new(),
        };
        #[cfg(miri)]
        return Self { vec: Vec::new() };
    }
}

impl<V: Copy> Blocks<V> {
    fn insert(&mut self, address: usize, value: V) {
        #[cfg(not(miri))]
        self.map.insert(address, value);
        #[cfg(miri)]
        match self.vec.binary_search_by_key(&address, |e| e.0) {
            Ok(i) => self.vec[i].1 = value,
            Err(i) => self.vec.insert(i, (address, value)),
        }
    }

    fn remove(&mut self, address: usize) -> V {
        #[cfg(not(miri))]
        return self.map.remove(&address).expect("no block there");
        #[cfg(miri)]
        return self
            .vec
            .remove(self.vec.binary_search_by_key(&address, |e| e.0).unwrap())
            .1;
    }

    fn get(&self, address: usize) -> V {
        #[cfg(not(miri))]
        return self.map[&address];
        #[cfg(miri)]
        return self.vec[self.vec.binary_search_by_key(&address, |e| e.0).unwrap()].1;
    }

    /// The block with the highest address below `end`.
    fn last_below(&self, end: usize) -> Option<(usize, &V)> {
        #[cfg(not(miri))]
        return self.map.range(..end).next_back().map(|(&k, v)| (k, v));
        #[cfg(miri)]
        return self.vec[..self.vec.partition_point(|e| e.0 < end)]
            .last()
            .map(|(k, v)| (*k, v));
    }

    fn keys(&self) -> Vec<usize> {
        #[cfg(not(miri))]
        return self.map.keys().copied().collect();
        #[cfg(miri)]
        return self.vec.iter().map(|e| e.0).collect();
    }

    fn values(&self) -> Vec<V> {
        #[cfg(not(miri))]
        return self.map.values().copied().collect();
        #[cfg(miri)]
        return self.vec.iter().map(|e| e.1).collect();
    }

    fn len(&self) -> usize {
        #[cfg(not(miri))]
        return self.map.len();
        #[cfg(miri)]
        return self.vec.len();
    }
}
