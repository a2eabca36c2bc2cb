//! [`HostGrower`]: `memory.grow` played by one host allocation.
//!
//! ```text
//!   base                 base + PAGE_SIZE (the "initial memory end")
//!   | static data | tail |  page 1  |  page 2  | ...                 | capacity pages
//!                 ^ first region starts here when a tail is configured
//! ```
//!
//! Page 0 stands for the module's static data and stack; its last `tail` bytes are unused memory
//! that the first region takes along, as `WasmGrower` does with `__heap_base`. Pages are handed
//! out in order from page 1; with gaps on, one page is skipped before each region.

use crate::grower::{MIN_ALIGN, MemoryGrower, PAGE_SIZE};
use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::ptr;
use std::sync::Mutex;
use std::vec::Vec;

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
    /// Pages of emulated memory so far, page 0 included (`memory.size`).
    pages: usize,
    /// Most pages `pages` may reach; growth beyond is refused.
    limit: usize,
    gaps: bool,
    refusals: usize,
    /// Every region handed out, as (start, end) addresses, in order.
    regions: Vec<(usize, usize)>,
}

// SAFETY: `raw`/`base` point to an allocation this value owns; all mutation goes through the
// mutex, and the memory behind the pages is handed to allocators, not touched here.
unsafe impl Send for HostGrower {}
// SAFETY: as above; `grow` takes the mutex.
unsafe impl Sync for HostGrower {}

impl HostGrower {
    /// A grower over `capacity` pages (page 0 included), all of which it may hand out.
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
        let state = State {
            pages: 1,
            limit: capacity,
            gaps: false,
            refusals: 0,
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

    /// Makes the last `bytes` of page 0 unused memory that the first region takes along.
    ///
    /// # Panics
    ///
    /// If `bytes` is not a multiple of `MIN_ALIGN` or exceeds a page.
    #[must_use]
    pub fn with_tail(mut self, bytes: usize) -> Self {
        assert!(bytes % MIN_ALIGN == 0 && bytes <= PAGE_SIZE, "bad tail");
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

    /// Skips a page before each region, as if another module grew memory in between.
    #[must_use]
    pub fn with_gaps(self) -> Self {
        self.state().gaps = true;
        self
    }

    /// Changes the page limit (page 0 included), e.g. to let a starved allocator grow again.
    pub fn set_limit(&self, pages: usize) {
        self.state().limit = pages.min(self.capacity);
    }

    /// Pages of emulated memory so far, page 0 included: `memory.size`.
    pub fn pages(&self) -> usize {
        self.state().pages
    }

    /// How many requests were refused for lack of memory.
    pub fn refusals(&self) -> usize {
        self.state().refusals
    }

    /// The regions handed out, adjacent ones merged, as (start, end) addresses in order.
    pub fn regions(&self) -> Vec<(usize, usize)> {
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for &(start, end) in &self.state().regions {
            match merged.last_mut() {
                Some(last) if last.1 == start => last.1 = end,
                _ => merged.push((start, end)),
            }
        }
        merged
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
    /// follow page 0 directly.
    fn region(&self, pages: usize, take_tail: bool) -> Option<*mut [u8]> {
        let mut state = self.state();
        let first = usize::from(state.gaps) + state.pages;
        let fits = pages
            .checked_add(first)
            .is_some_and(|end| end <= state.limit);
        if pages == 0 || !fits {
            state.refusals += usize::from(pages != 0);
            return None;
        }
        state.pages = first + pages;
        let (mut start, end) = (first * PAGE_SIZE, (first + pages) * PAGE_SIZE);
        if take_tail && start == PAGE_SIZE {
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

impl Drop for HostGrower {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.raw, self.raw_layout) }
    }
}

// SAFETY: regions are disjoint page ranges of one zeroed allocation, each handed out once (the
// tail only with page 1, which is handed out once), ending on page boundaries of `base`, which is
// page-aligned; they are one allocated object, so adjacent regions may be merged.
unsafe impl MemoryGrower for HostGrower {
    fn grow(&self, pages: usize) -> Option<*mut u8> {
        self.region(pages, false).map(<*mut [u8]>::cast)
    }

    fn grow_region(&self, pages: usize) -> Option<*mut [u8]> {
        self.region(pages, true)
    }
}
