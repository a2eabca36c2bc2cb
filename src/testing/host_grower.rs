//! [`HostGrower`]: a [`MemoryGrower`] played by one host allocation.
//!
//! ```text
//!   base                 base + PAGE_SIZE (the "initial memory end")
//!   | static data | tail |  page 1  |  page 2  | ...                 | capacity pages
//!                 ^ a region that starts at page 1 takes the tail along (grow_region only)
//! ```
//!
//! Page 0 stands for the module's static data and stack; its last `tail` bytes are unused memory
//! that a region starting at page 1 takes along, as a grower that claims `__heap_base` memory
//! does. Where each region goes is the [`Order`]: rising from page 1 (as `memory.grow` does),
//! falling from the top, or scattered at random; with gaps on, one page next to each region is
//! taken by "someone else" and never handed out. Every order keeps the whole `MemoryGrower`
//! contract, so every allocator must work with each of them.

use super::Rng;
use crate::grower::{MemoryGrower, PAGE_SIZE, REGION_ALIGN};
use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::ptr;
use std::sync::Mutex;
use std::vec::Vec;

/// Where a [`HostGrower`] puts each new region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Each region above the last, from page 1 up: what `memory.grow` does.
    Rising,
    /// Each region below the last, from the top of the arena down.
    Falling,
    /// Each region at a random free place (seeded), so regions arrive in no order and are
    /// sometimes adjacent, above or below, and sometimes not.
    Scattered(u64),
}

/// A grower over one zeroed host allocation of `capacity` pages.
#[derive(Debug)]
pub struct HostGrower {
    /// The allocation as obtained from the host allocator (for `dealloc`).
    raw: *mut u8,
    raw_layout: Layout,
    /// `raw` rounded up to a page: page 0 of the emulated memory.
    base: *mut u8,
    capacity: usize,
    tail: usize,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    order: Order,
    /// Pages taken so far, page 0 and gap pages included: what `memory.size` would say.
    pages: usize,
    /// Most pages `pages` may reach; growth beyond is refused.
    limit: usize,
    gaps: bool,
    refusals: usize,
    /// Which pages are taken (page 0 always).
    taken: Vec<bool>,
    /// Where `Order::Scattered` puts regions.
    rng: Rng,
    /// Every region handed out, as (start, end) addresses, in the order handed out.
    regions: Vec<(usize, usize)>,
}

// SAFETY: `raw`/`base` point to an allocation this value owns; all mutation goes through the
// mutex, and the memory behind the pages is handed to allocators, not touched here.
unsafe impl Send for HostGrower {}
// SAFETY: as above; `grow` takes the mutex.
unsafe impl Sync for HostGrower {}

impl HostGrower {
    /// A grower over `capacity` pages (page 0 included), all of which it may hand out, in rising
    /// order.
    ///
    /// # Panics
    ///
    /// If `capacity` is 0 or the host cannot allocate it.
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "page 0 is the static data");
        // Over-allocate by a page and align by hand: a 64 KiB-aligned `alloc_zeroed` would
        // memset the whole arena, while this size class comes zeroed from the OS, lazily.
        let raw_layout = Layout::from_size_align((capacity + 1) * PAGE_SIZE, 16).unwrap();
        // SAFETY: the layout has a non-zero size.
        let raw = unsafe { alloc_zeroed(raw_layout) };
        assert!(!raw.is_null(), "host out of memory");
        let base = raw.wrapping_add(raw.align_offset(PAGE_SIZE));
        let mut taken = std::vec![false; capacity];
        taken[0] = true;
        let state = State {
            order: Order::Rising,
            pages: 1,
            limit: capacity,
            gaps: false,
            refusals: 0,
            taken,
            rng: Rng::new(0),
            regions: Vec::new(),
        };
        Self {
            raw,
            raw_layout,
            base,
            capacity,
            tail: 0,
            state: Mutex::new(state),
        }
    }

    /// Refuses growth beyond `pages` pages of memory in total (page 0 included).
    #[must_use]
    pub fn with_limit(self, pages: usize) -> Self {
        self.set_limit(pages);
        self
    }

    /// Puts regions in `order` (rising by default).
    #[must_use]
    pub fn with_order(self, order: Order) -> Self {
        {
            let mut state = self.state();
            state.order = order;
            if let Order::Scattered(seed) = order {
                state.rng = Rng::new(seed);
            }
        }
        self
    }

    /// Makes the last `bytes` of page 0 unused memory that `grow_region` takes along with a
    /// region that starts at page 1.
    ///
    /// # Panics
    ///
    /// If `bytes` is not a multiple of `REGION_ALIGN` or exceeds a page.
    #[must_use]
    pub fn with_tail(mut self, bytes: usize) -> Self {
        assert!(bytes % REGION_ALIGN == 0 && bytes <= PAGE_SIZE, "bad tail");
        self.tail = bytes;
        self
    }

    /// Fills every page with `byte` but for its first 64 bytes, breaking the grower's promise
    /// that memory is zero: for tests that prove an allocator does not write memory it may assume
    /// is zero. (The first bytes stay zero because allocators may rely on the promise for the
    /// headers they read at the start of a region.)
    #[must_use]
    pub fn with_dirty_pages(self, byte: u8) -> Self {
        for page in 0..self.capacity {
            // SAFETY: `base` has `capacity` pages inside the allocation.
            unsafe {
                self.base
                    .add(page * PAGE_SIZE + 64)
                    .write_bytes(byte, PAGE_SIZE - 64)
            };
        }
        self
    }

    /// Leaves a page next to each region (below it when rising, above when falling, below when
    /// scattered) to "another module", as if it grew memory in between.
    #[must_use]
    pub fn with_gaps(self) -> Self {
        self.state().gaps = true;
        self
    }

    /// Changes the page limit (page 0 included), e.g. to let a starved allocator grow again.
    pub fn set_limit(&self, pages: usize) {
        self.state().limit = pages.min(self.capacity);
    }

    /// Pages of emulated memory taken so far, page 0 and gaps included: `memory.size`.
    pub fn pages(&self) -> usize {
        self.state().pages
    }

    /// How many requests were refused for lack of memory.
    pub fn refusals(&self) -> usize {
        self.state().refusals
    }

    /// The memory handed out, as (start, end) addresses in address order, adjacent regions
    /// merged.
    pub fn regions(&self) -> Vec<(usize, usize)> {
        let mut sorted = self.handed_out();
        sorted.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (start, end) in sorted {
            match merged.last_mut() {
                Some(last) if last.1 == start => last.1 = end,
                _ => merged.push((start, end)),
            }
        }
        merged
    }

    /// Every region as it was handed out, (start, end), in the order of the calls.
    pub fn handed_out(&self) -> Vec<(usize, usize)> {
        self.state().regions.clone()
    }

    /// Total bytes handed out.
    pub fn bytes(&self) -> usize {
        self.state()
            .regions
            .iter()
            .map(|(start, end)| end - start)
            .sum()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Hands out `pages` pages, taking along `tail` bytes below them if `take_tail` and they
    /// start at page 1.
    fn region(&self, pages: usize, take_tail: bool) -> Option<*mut [u8]> {
        let mut state = self.state();
        let gap = usize::from(state.gaps);
        let fits = pages
            .checked_add(gap + state.pages)
            .is_some_and(|end| end <= state.limit);
        let place = if pages == 0 || !fits {
            None
        } else {
            state.place(pages + gap)
        };
        let Some(run_start) = place else {
            state.refusals += usize::from(pages != 0);
            return None;
        };
        // The gap page comes first in the run, but when falling, where it comes last.
        let first = if state.order == Order::Falling {
            run_start
        } else {
            run_start + gap
        };
        for taken in &mut state.taken[run_start..run_start + pages + gap] {
            debug_assert!(!*taken, "page handed out twice");
            *taken = true;
        }
        state.pages += pages + gap;
        let (mut start, end) = (first * PAGE_SIZE, (first + pages) * PAGE_SIZE);
        if take_tail && first == 1 {
            start -= self.tail;
        }
        // SAFETY: `end <= capacity * PAGE_SIZE`, inside the allocation (base is at most a page
        // into `raw`, which has one page to spare).
        let first_byte = unsafe { self.base.add(start) };
        state
            .regions
            .push((first_byte.addr(), first_byte.addr() + (end - start)));
        Some(ptr::slice_from_raw_parts_mut(first_byte, end - start))
    }
}

impl State {
    /// The first page of a free run of `run` pages where the order puts the next region, if any.
    fn place(&mut self, run: usize) -> Option<usize> {
        let free = |taken: &[bool], first: usize| taken[first..first + run].iter().all(|t| !t);
        let last = self.taken.len().checked_sub(run)?;
        match self.order {
            Order::Rising => {
                // Above the highest page taken.
                let above = self.taken.iter().rposition(|&t| t).unwrap_or(0) + 1;
                (above <= last).then_some(above)
            }
            Order::Falling => {
                // Below the lowest page taken above page 0.
                let below = self.taken[1..]
                    .iter()
                    .position(|&t| t)
                    .map_or(self.taken.len(), |i| i + 1);
                below.checked_sub(run).filter(|&first| first >= 1)
            }
            Order::Scattered(_) => {
                let candidates: Vec<usize> = (1..=last)
                    .filter(|&first| free(&self.taken, first))
                    .collect();
                if candidates.is_empty() {
                    return None;
                }
                let z = self.rng.next_u64();
                Some(candidates[(z % candidates.len() as u64) as usize])
            }
        }
    }
}

impl Drop for HostGrower {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.raw, self.raw_layout) }
    }
}

// SAFETY: `grow` hands out whole pages, page-aligned (`base` is), of one zeroed allocation that
// this value owns and never touches; each page at most once (`taken`). The only thing
// `grow_region` prepends is page 0's tail, zero, used by nobody, and only with page 1, which is
// handed out once. All regions lie in the one allocation, so adjacent ones may be merged.
unsafe impl MemoryGrower for HostGrower {
    fn grow(&self, pages: usize) -> Option<*mut u8> {
        self.region(pages, false).map(<*mut [u8]>::cast)
    }

    fn grow_region(&self, pages: usize) -> Option<*mut [u8]> {
        self.region(pages, true)
    }
}
