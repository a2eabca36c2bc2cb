//! [`BinnedAllocator`]: segregated free lists found with a bitmap, boundary tags, O(1) `alloc`
//! and `dealloc`.
//!
//! Memory is a sequence of blocks, each starting with a one-word header and ending with a
//! one-word footer that repeats it, so the block after it can see whether it is free and find
//! its start:
//!
//! ```text
//!         header          payload (returned pointer, 2-word aligned)
//!   used: [ size ]        [ data ............................... ]  [ size ]
//!   free: [ size | FREE ] [ next ][ prev ] ........................  [ size | FREE ]
//!                          links in its bin's list                   footer
//!
//!   region: [pad][ block ][ block ] ... [ block ][sentinel]    sentinel: size 0, used
//!                                                              pad: 0, reads as a used footer
//! ```
//!
//! Sizes are multiples of two words (`G`) and at least `MIN` = 4 words, so every block can be
//! free. Headers sit one word before a 2-word boundary, so payloads are 2-word aligned.
//!
//! Invariants (checked by the `testing` inspector):
//! - a block's `FREE` bit is set iff it is in the list of bin `bin(size)`, and bit `i` of `bitmap`
//!   is set iff that list is not empty; lists are doubly linked through `next` and `prev`: the
//!   last block's `next` is null, the first block's `prev` is the odd number `2i + 1` (the bin's
//!   mark); no pointer into the allocator itself is stored in memory, so it may be moved;
//! - a block's footer equals its header while the block is in a list, and holds its size alone
//!   once it is handed out, so `dealloc` learns from the word before a block's header whether
//!   the block before is free, and where it starts, without reading that block's header (the
//!   zero pad word in front of a region reads as a used block); a used block's header is its
//!   size alone;
//! - no two free blocks are adjacent (they are merged when freed);
//! - every region ends with a sentinel header (size 0, used); `top` is the end of the last region
//!   grown; a new region that starts at `top` continues the last one: the old sentinel becomes a
//!   block header.
//!
//! Regions may come in any address order (the grower's contract): one that does not start at
//! `top` is a separate stretch of blocks with a pad word in front and a sentinel behind, even
//! when it happens to end where an older region starts.
//!
//! Bins: one per size below 16 units of `G` (128 bytes on wasm32), then four per power of two (so
//! a bin's sizes differ by at most 25%), the last bin, 63, holding every block from 640 KiB up
//! (on wasm32; 1.25 MiB with 64-bit words). `alloc` takes the head of the request's own bin if it
//! fits, else the head of the first non-empty bin above it, whose blocks all fit
//! (`trailing_zeros` of the masked bitmap), and releases the rest beyond the request unless it is
//! less than an eighth of the request (plus `MIN`), which stays in the block (built with
//! opt-level 2 or 3, a rest that stays in the block's bin takes its place in the list); `dealloc`
//! merges the block with free neighbours through the headers and footers. Both O(1), but for a
//! request that neither its own bin's head nor any bin above can serve: it takes the first block
//! of its own bin that fits, looking at each, and grows memory only when none does. That is the
//! usual path of a request in the last bin (blocks of 640 KiB and more: few, in memory of at most
//! 4 GiB); below, it is the path that would otherwise grow memory while a block that fits is
//! free, and it looks at blocks within 25% of the request's size.

use crate::grower::MemoryGrower;
use crate::layout_math::UNIT as G;
use crate::layout_math::pages_for;
use crate::wasm_grower::WasmGrower;
use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;
use core::ptr::null_mut;

/// Bytes in a word: the header, a link, the footer.
const W: usize = size_of::<usize>();
/// The smallest block: header, two links and footer.
const MIN: usize = 2 * G;
/// Header bit: this block is free (the only flag: sizes are multiples of `G`).
const FREE: usize = 1;

/// One bit per bin.
type Bitmap = u64;
/// Bins: `Bitmap`'s width.
const BINS: usize = Bitmap::BITS as usize;

/// A fast allocator that is still small: segregated free lists by size class, found with a
/// bitmap; boundary tags, so freeing merges with both neighbours at once.
///
/// `dealloc` is O(1), and so is `alloc` but for a request that no larger bin can serve: before
/// it grows memory, it looks through the free blocks of its own size class (within 25% of its
/// size; for requests of 640 KiB and more on wasm32, every free block that large) for one that
/// fits. A block handed out may keep up to an eighth of the request (plus 16 bytes on wasm32)
/// beyond what it needs: smaller rests are not split off. `realloc` stays in place when
/// shrinking, or when the next block is free and large enough. `alloc_zeroed` is `GlobalAlloc`'s
/// own: `alloc`, then a clear of the `layout.size()` bytes asked for (not of the block's slack
/// beyond them), whether or not the memory is fresh from the grower: skipping fresh memory cost
/// 101 bytes of code and saved time only on memory the call itself had grown.
///
/// Built with opt-level 2 or 3, its helpers are inlined into `alloc` and `dealloc` for speed,
/// and a split that leaves a block of the same bin keeps the rest in the block's place in its
/// list; with "s" or "z" the helpers stay out of line and every split goes through the bins,
/// for size (the crate's build script picks from cargo's `OPT_LEVEL`), but for the bin function,
/// inlined at every level for 40 bytes.
///
/// Not [`Sync`]: wrap it in [`AssumeSingleThreaded`](crate::AssumeSingleThreaded) or
/// [`LockedAllocator`](crate::LockedAllocator).
///
/// ```no_run
/// use zepto_alloc::{AssumeSingleThreaded, BinnedAllocator};
///
/// // SAFETY: this program is single-threaded.
/// #[global_allocator]
/// static ALLOCATOR: AssumeSingleThreaded<BinnedAllocator> =
///     unsafe { AssumeSingleThreaded::new(BinnedAllocator::new()) };
/// # fn main() {}
/// ```
pub struct BinnedAllocator<Gr = WasmGrower> {
    /// Bit `i` is set iff bin `i` has a free block.
    bitmap: Cell<Bitmap>,
    /// The first free block (its header) of each bin, or null.
    heads: [Cell<*mut u8>; BINS],
    /// One past the end of the last region, or null before the first.
    top: Cell<*mut u8>,
    grower: Gr,
}

impl BinnedAllocator<WasmGrower> {
    /// A binned allocator over `memory.grow`.
    #[must_use]
    pub const fn new() -> Self {
        Self::with_grower(WasmGrower)
    }
}

impl Default for BinnedAllocator<WasmGrower> {
    fn default() -> Self {
        Self::new()
    }
}

impl<Gr> BinnedAllocator<Gr> {
    /// A binned allocator that takes its memory from `grower`.
    #[must_use]
    pub const fn with_grower(grower: Gr) -> Self {
        Self {
            bitmap: Cell::new(0),
            heads: [const { Cell::new(null_mut()) }; BINS],
            top: Cell::new(null_mut()),
            grower,
        }
    }

    /// The grower this allocator takes memory from.
    pub const fn grower(&self) -> &Gr {
        &self.grower
    }
}

/// The word at `p`.
///
/// # Safety
///
/// `p` must be a word-aligned address inside memory this allocator owns.
#[inline(always)]
unsafe fn get(p: *mut u8) -> usize {
    // SAFETY: the caller's contract.
    unsafe { p.cast::<usize>().read() }
}

/// Writes the word at `p`.
///
/// # Safety
///
/// As for [`get`].
#[inline(always)]
unsafe fn set(p: *mut u8, value: usize) {
    // SAFETY: the caller's contract.
    unsafe { p.cast::<usize>().write(value) }
}

/// Below this many units of `G` bytes, every block size has a bin of its own.
const EXACT: usize = 16;

/// The bin of `u` units of `G` bytes (`u >= 2`). Sizes below `EXACT` units (128 bytes on wasm32)
/// each have their own bin, `u - 2` (0 to 13): small requests, the common ones, are served by
/// popping a block of exactly their size. Above, four bins per power of two: with
/// `k = floor(log2 u)`, bin `4k - 2 + q` holds the `q`-th quarter of `[2^k, 2^(k+1))`. The last
/// bin, 63, also holds every larger block: from `1.25 · 2^16` units (640 KiB on wasm32) up.
///
/// Inlined at every level, unlike the other helpers: at opt-level "z" the call cost more time
/// than its 40 bytes are worth (`full` 1,100 → 1,140 bytes; churn 0.05× to 0.09× dlmalloc's
/// speed faster and the trace replay 0.06× to 0.10×, in three interleaved runs).
#[inline(always)]
fn bin_of_units(u: usize) -> usize {
    let k = (usize::BITS - 1 - u.leading_zeros()) as usize;
    if u < EXACT {
        u - 2
    } else {
        (4 * k - 2 + ((u >> (k - 2)) & 3)).min(BINS - 1)
    }
}

/// The bin of a free block of `size` bytes (a multiple of `G`, at least `MIN`).
#[inline(always)]
fn bin(size: usize) -> usize {
    bin_of_units(size / G)
}

/// The block size for a payload of `size` bytes: a header and a footer word more, rounded to
/// `G`. No overflow: `size <= isize::MAX`. At least `MIN` = `2 * W + G` because `size` is not 0:
/// `GlobalAlloc` forbids zero-size layouts (a `max(MIN)` for them costs 21 bytes in `full`).
#[inline(always)]
fn block_size(size: usize) -> usize {
    debug_assert!(size > 0);
    (size + 2 * W + G - 1) & !(G - 1)
}

const _: () = assert!(
    2 * W + G == MIN,
    "a one-byte payload takes a block of MIN bytes"
);

/// Whether a free block of `have` bytes, split to hand out at least `MIN` and leave `rest` bytes
/// (`rest <= have - MIN`), leaves a block of its own bin: iff `rest` is at least `have` with all
/// but its three top bits cleared. Bins from 16 units of `G` up are the quarters of a power of
/// two, which the three top bits name. Below 16 units, clearing the bits below the top three
/// takes off at most one unit, less than `MIN`: the answer is no, as it must be for exact bins.
/// In the last bin: yes only for a rest of the last bin (a few are told no, which is safe).
#[inline(always)]
fn stays_in_bin(rest: usize, have: usize) -> bool {
    let low = usize::BITS - 3 - have.leading_zeros();
    rest >= have >> low << low
}

/// Writes the header and the footer of the block `b` of `size` bytes: both hold `tag` (its size,
/// with `FREE` while it is in a list).
///
/// # Safety
///
/// `b` is a block of `size` bytes (at least `MIN`) in memory this allocator owns.
#[inline(always)]
unsafe fn set_tags(b: *mut u8, size: usize, tag: usize) {
    // SAFETY: the caller's contract: the header is `b`'s first word, the footer its last.
    unsafe {
        set(b, tag);
        set(b.add(size - W), tag);
    }
}

/// The `prev` link of the first block of bin `i`: `2i + 1`, odd, so never a block's address
/// (headers sit at multiples of `W`). `unlink` reads the bin from it, so it needs neither the
/// block's size nor the bin function.
#[inline(always)]
fn head_mark(i: usize) -> *mut u8 {
    core::ptr::without_provenance_mut(2 * i + 1)
}

impl<Gr: MemoryGrower> BinnedAllocator<Gr> {
    /// The head of bin `i`, without a bounds check: every caller passes a `bin` (below `BINS`
    /// for every size, see [`bin_of_units`]) or a set bit of the bitmap. A checked index would
    /// bring the panic machinery into the module.
    #[inline(always)]
    fn head(&self, i: usize) -> &Cell<*mut u8> {
        debug_assert!(i < BINS);
        // SAFETY: `i < BINS`, as above.
        unsafe { self.heads.get_unchecked(i) }
    }

    /// Puts the free block `b` of `size` bytes at the head of its bin.
    ///
    /// # Safety
    ///
    /// `b` is a block of `size` bytes whose header and footer are already written as free.
    #[inline(always)]
    unsafe fn link(&self, b: *mut u8, size: usize) {
        let i = bin(size);
        let head = self.head(i);
        let next = head.get();
        // SAFETY: `b` is a free block (room for both links); `next` is null or a free block.
        unsafe {
            b.add(W).cast::<*mut u8>().write(next);
            b.add(2 * W).cast::<*mut u8>().write(head_mark(i));
            if !next.is_null() {
                next.add(2 * W).cast::<*mut u8>().write(b);
            }
        }
        head.set(b);
        self.bitmap.set(self.bitmap.get() | 1 << i);
    }

    /// Puts the free block `r` in the place of the free block `b` in `b`'s list: the same
    /// neighbours, or the head of the bin. Cheaper than [`unlink`](Self::unlink) and a `link`:
    /// no bin function, no bitmap, and the list keeps its order.
    ///
    /// # Safety
    ///
    /// `b` is a free block in its bin's list; `r` is a free block of the same bin, not in any
    /// list, with its header and footer written. `b` is in no list afterwards.
    #[inline(always)]
    unsafe fn replace(&self, b: *mut u8, r: *mut u8) {
        // SAFETY: as for `unlink`; `r` is a free block, with room for both links.
        unsafe {
            let next = b.add(W).cast::<*mut u8>().read();
            let prev = b.add(2 * W).cast::<*mut u8>().read();
            r.add(W).cast::<*mut u8>().write(next);
            r.add(2 * W).cast::<*mut u8>().write(prev);
            self.splice(next, prev, r, r);
        }
    }

    /// Points the list neighbours of a block whose links are `next` and `prev` away from it:
    /// `next`'s `prev` link to `for_next`, and `prev`'s `next` link (or the bin's head, when
    /// `prev` is a bin's mark) to `for_prev`, clearing the bin's bitmap bit when the head becomes
    /// null. Shared by [`unlink`](Self::unlink) and [`replace`](Self::replace).
    ///
    /// # Safety
    ///
    /// `next` is null or a free block; `prev` is a free block or a bin's mark; the pointers
    /// written keep the lists well formed.
    #[inline(always)]
    unsafe fn splice(&self, next: *mut u8, prev: *mut u8, for_next: *mut u8, for_prev: *mut u8) {
        // SAFETY: the caller's contract: both neighbours are free blocks with room for links.
        unsafe {
            if !next.is_null() {
                next.add(2 * W).cast::<*mut u8>().write(for_next);
            }
            if prev.addr() & 1 != 0 {
                let i = prev.addr() >> 1;
                self.head(i).set(for_prev);
                if for_prev.is_null() {
                    self.bitmap.set(self.bitmap.get() & !(1 << i));
                }
            } else {
                prev.add(W).cast::<*mut u8>().write(for_prev);
            }
        }
    }

    /// Takes the free block `b` out of its bin.
    ///
    /// # Safety
    ///
    /// `b` is a free block in its bin's list.
    #[cfg_attr(zepto_speed, inline(always))]
    #[cfg_attr(not(zepto_speed), inline(never))]
    unsafe fn unlink(&self, b: *mut u8) {
        // SAFETY: `b` is a free block; its `next` link is null or a free block, its `prev` link a
        // free block or the mark of its bin's head.
        unsafe {
            // No longer free: the header keeps its size, without the `FREE` bit. (This store
            // also keeps LLVM from moving the two link loads below into every caller: 24 bytes
            // fewer in `full`.)
            set(b, get(b) ^ FREE);
            let next = b.add(W).cast::<*mut u8>().read();
            let prev = b.add(2 * W).cast::<*mut u8>().read();
            self.splice(next, prev, prev, next);
        }
    }

    /// Makes the block `b` of `size` bytes free, merged with its free neighbours.
    ///
    /// # Safety
    ///
    /// `b` is a block of `size` bytes, not in any list, preceded by a footer (or a region's zero
    /// pad word) and followed by a header (a block or the sentinel). Nothing of `b` is read: its
    /// header and footer are written here.
    #[cfg_attr(zepto_speed, inline(always))]
    #[cfg_attr(not(zepto_speed), inline(never))]
    unsafe fn release(&self, mut b: *mut u8, mut size: usize) {
        // SAFETY: the header after `b` and the footer before it are valid by the module
        // invariants (a region's first block has a zero pad word before it, "not free"); a
        // footer marked free is a free block's, which starts its size before `b`.
        unsafe {
            let next = b.add(size);
            let after = get(next);
            if after & FREE != 0 {
                self.unlink(next);
                size += after & !FREE;
            }
            let before = get(b.sub(W));
            if before & FREE != 0 {
                let prev = b.sub(before ^ FREE);
                self.unlink(prev);
                b = prev;
                size += before ^ FREE;
            }
            set_tags(b, size, size | FREE);
            self.link(b, size);
        }
    }

    /// Hands out the first `need` bytes of the block `b` of `have` bytes (not in any list),
    /// releasing the rest when it is at least `MIN` plus an eighth of `need`, and writes the
    /// header and footer of what it hands out. Returns the payload.
    ///
    /// A smaller rest stays in the block handed out. Splitting off every rest that can make a
    /// block (at least `MIN`) measured slower and took more memory (why is not measured). Keeping
    /// rests below an eighth measured, at opt-level "z" against splitting them, 1.12x against
    /// 1.05x dlmalloc's speed on the churn at N = 10,000 with heap efficiency 78% against 73%
    /// (dlmalloc 76%), and heap efficiency never more than 6% below dlmalloc's over 31 churn,
    /// realloc-heavy and trace workloads (was 10%). Keeping rests below a quarter measured as
    /// fast, but 64% against 67% on the trace replay and 65% against 70% on realloc-heavy. 6
    /// bytes in `full`.
    ///
    /// # Safety
    ///
    /// `b` is a block of `have` bytes, `have >= need`, both multiples of `G` and at least `MIN`,
    /// and a valid header follows at `b + have`. Nothing of `b` is read: its header and footer
    /// may hold anything.
    #[cfg_attr(zepto_speed, inline(always))]
    #[cfg_attr(not(zepto_speed), inline(never))]
    unsafe fn carve(&self, b: *mut u8, have: usize, need: usize) -> *mut u8 {
        let keep = if have - need >= MIN + (need >> 3) {
            need
        } else {
            have
        };
        // SAFETY: as documented; the rest, when released, is a block of at least MIN bytes,
        // preceded by the footer written here and followed by the header after `b`. `release`
        // writes the rest's header itself.
        unsafe {
            set_tags(b, keep, keep);
            if keep != have {
                self.release(b.add(keep), have - keep);
            }
            b.add(W)
        }
    }

    /// Grows memory for a block of at least `size` bytes and releases it into the bins (merged
    /// with a free block it follows). False when the grower refuses.
    #[inline(never)]
    fn refill(&self, size: usize) -> bool {
        // The block plus a pad word in front and the sentinel behind. No overflow: `size` is at
        // most `isize::MAX` plus a few words.
        let Some(region) = self.grower.grow_region(pages_for(size + 2 * W, 1)) else {
            return false;
        };
        let start = region.cast::<u8>();
        let top = self.top.get();
        // SAFETY: the region is ours, ends on a page boundary and starts on a multiple of G;
        // when it continues the last region, the old sentinel (at `top - W`) becomes the header
        // of the new block, after the footer of the last block before it. Otherwise the new
        // block follows the region's pad word, zero (the grower's promise), which `release`
        // reads as "no free block before". `release` writes the new block's header and footer.
        unsafe {
            let end = start.add(region.len());
            let b = if start == top {
                top.sub(W)
            } else {
                start.add(W)
            };
            let size = end.sub(W).addr() - b.addr();
            set(end.sub(W), 0);
            self.top.set(end);
            self.release(b, size);
        }
        true
    }
}

/// Shows the grower; the free blocks are not shown (reading them is the allocator's business).
impl<Gr: core::fmt::Debug> core::fmt::Debug for BinnedAllocator<Gr> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BinnedAllocator")
            .field("grower", &self.grower)
            .finish_non_exhaustive()
    }
}

// SAFETY: the bins and regions are memory the allocator owns alone (see the grower's contract) and
// nothing in that memory points into the allocator, so moving it to another thread moves that
// ownership with it.
unsafe impl<Gr: Send> Send for BinnedAllocator<Gr> {}

// SAFETY: a block is handed out only after it leaves its bin, and returns to a bin only through
// `dealloc` (or `realloc`), so blocks never overlap; sizes and alignments are as requested.
unsafe impl<Gr: MemoryGrower> GlobalAlloc for BinnedAllocator<Gr> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let need = block_size(layout.size());
        let align = layout.align();
        // Above a 2-word alignment, room to move the payload to an aligned address with a free
        // block of at least MIN in front. No overflow: size + align <= isize::MAX + 1.
        let search = if align > G { need + align + MIN } else { need };
        loop {
            // The first block of the request's own bin if it fits: reusing a block of about the
            // same size keeps memory tight (it raised the heap efficiency of the benchmark's
            // churn at N = 100 from 68% to 80%). Else the first block of the first non-empty bin
            // above it: bins rise with the size, so all its blocks fit. Else, when there is none,
            // the first block of the request's own bin that fits, looking at each, rather than
            // grow memory while one is free (the benchmark's churn run for 1.6 million steps at
            // N = 2,000 grew 2.36 MB with this, 2.49 MB with the head alone; 3.2 million steps at
            // N = 10,000, 8.59 MB against 8.78 MB). Else grow: the new block goes to the head of
            // its bin, at least the request's, where this finds it.
            let i = bin(search);
            let own = self.head(i).get();
            // Bins above `i`, without overflow for `i = BINS - 1`.
            let above = self.bitmap.get() & (Bitmap::MAX << i << 1);
            // SAFETY: list heads and their links are free blocks; a block taken out of its list
            // is ours until `carve` hands it out or `release` returns it.
            unsafe {
                let mut b = if !own.is_null() && get(own) & !FREE >= search {
                    own
                } else {
                    self.head(if above != 0 {
                        above.trailing_zeros() as usize
                    } else {
                        i
                    })
                    .get()
                };
                while !b.is_null() && get(b) & !FREE < search {
                    b = b.add(W).cast::<*mut u8>().read();
                }
                if b.is_null() {
                    if !self.refill(search) {
                        return null_mut();
                    }
                    continue;
                }
                let have = get(b) & !FREE;
                let rest = have - need;
                if cfg!(zepto_speed) && align <= G && stays_in_bin(rest, have) {
                    // The rest after the request stays in the block's bin: it takes the block's
                    // place in its list instead of leaving it and coming back through `release`
                    // (the trace replay, where almost every allocation splits one large free
                    // block, ran 0.10x-0.12x of dlmalloc's speed faster at opt-level 3). Built
                    // with opt-level 2 or 3 only: at "z" it costs 143 bytes in `full`, and there
                    // the churn at N = 10,000 ran slower (0.98x against 1.09x dlmalloc; the trace
                    // 0.97x against 0.90x; one 41-round run).
                    let r = b.add(need);
                    set_tags(r, rest, rest | FREE);
                    self.replace(b, r);
                    return self.carve(b, need, need);
                }
                self.unlink(b);
                if align > G {
                    // The aligned payload, at least MIN past the block's start: the front becomes
                    // a free block of its own. In bounds: the block holds `need + align + MIN`.
                    let p = b.add(W + MIN).map_addr(|a| (a + align - 1) & !(align - 1));
                    let front = p.addr() - W - b.addr();
                    let aligned = b.add(front);
                    // Hand out the aligned block first: `release` then reads its header as
                    // used.
                    let payload = self.carve(aligned, have - front, need);
                    self.release(b, front);
                    return payload;
                }
                return self.carve(b, have, need);
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` is a payload this allocator handed out: its header precedes it, and
        // holds its size alone (a used block's header has no flag set).
        unsafe {
            let b = ptr.sub(W);
            self.release(b, get(b));
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let need = block_size(new_size);
        // SAFETY: `ptr` is a live payload of this allocator; its header precedes it and a valid
        // header follows the block.
        unsafe {
            let b = ptr.sub(W);
            // A used block's header is its size alone.
            let mut have = get(b);
            if need > have {
                // Grow into the next block if it is free and large enough; else move.
                let next = b.add(have);
                let after = get(next);
                have += after & !FREE;
                if after & FREE == 0 || have < need {
                    let new =
                        self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
                    if !new.is_null() {
                        core::ptr::copy_nonoverlapping(ptr, new, layout.size());
                        self.dealloc(ptr, layout);
                    }
                    return new;
                }
                self.unlink(next);
            }
            self.carve(b, have, need)
        }
    }
}

#[cfg(feature = "testing")]
impl<Gr> crate::testing::Inspect for BinnedAllocator<Gr> {
    fn free_blocks(&self) -> std::vec::Vec<(usize, usize)> {
        let mut blocks = std::vec::Vec::new();
        for (i, head) in self.heads.iter().enumerate() {
            let mut b = head.get();
            assert_eq!(
                self.bitmap.get() >> i & 1 == 1,
                !b.is_null(),
                "bitmap bit {i} is wrong"
            );
            let mut prev = head_mark(i);
            while !b.is_null() {
                // SAFETY: list nodes are free blocks (module invariants), and no call of ours
                // runs concurrently (`&self`, not `Sync`).
                unsafe {
                    let header = get(b);
                    let size = header & !FREE;
                    let addr = b.addr();
                    assert_eq!(header & FREE, FREE, "block {addr:#x} in bin {i}: bad flags");
                    assert!(size >= MIN && size % G == 0, "block {addr:#x}: size {size}");
                    assert_eq!((addr + W) % G, 0, "block {addr:#x} misaligned");
                    assert_eq!(bin(size), i, "block {addr:#x} of {size} B in bin {i}");
                    assert_eq!(get(b.add(size - W)), header, "block {addr:#x}: footer");
                    assert_eq!(b.add(2 * W).cast::<*mut u8>().read(), prev, "prev link");
                    blocks.push((addr, size));
                    prev = b;
                    b = b.add(W).cast::<*mut u8>().read();
                }
            }
        }
        blocks.sort_unstable();
        for pair in blocks.windows(2) {
            assert!(
                pair[0].0 + pair[0].1 < pair[1].0,
                "free blocks {pair:x?} not merged"
            );
        }
        blocks
    }

    unsafe fn extent(&self, ptr: *mut u8, _layout: Layout) -> (usize, usize) {
        // SAFETY: the caller's contract: `ptr` is a live payload, so its header precedes it.
        let header = unsafe { get(ptr.sub(W)) };
        assert_eq!(header & FREE, 0, "live block {:#x} marked free", ptr.addr());
        let size = header & !FREE;
        // SAFETY: as above; the block's footer is its last word.
        let footer = unsafe { get(ptr.add(size - 2 * W)) };
        assert_eq!(footer, size, "live block {:#x}: footer", ptr.addr());
        (ptr.addr() - W, size)
    }

    fn region_overhead(&self) -> (usize, usize) {
        (W, W)
    }

    fn joins_any_adjacent(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest block size of bin `i`, found by search (bins rise with the size).
    fn smallest_of(i: usize) -> usize {
        let (mut low, mut high) = (MIN / G, 1usize << 40);
        while low < high {
            let mid = (low + high) / 2;
            if bin(mid * G) >= i {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        low * G
    }

    #[test]
    #[cfg_attr(miri, ignore = "arithmetic only, and slow interpreted")]
    fn stays_in_bin_says_yes_exactly_when_the_rest_keeps_the_bin() {
        let check = |have: usize, rest: usize| {
            let same = bin(rest) == bin(have);
            let yes = stays_in_bin(rest, have);
            if bin(have) < BINS - 1 {
                assert_eq!(yes, same, "{rest} B left of {have} B");
            } else {
                // The last bin: "yes" only for a rest of the last bin.
                assert!(!yes || same, "{rest} B left of {have} B");
            }
        };
        // Every split of every block below 4,096 units (a split hands out at least MIN).
        for have in (MIN..4096 * G).step_by(G) {
            for rest in (MIN..=have.saturating_sub(MIN)).step_by(G) {
                check(have, rest);
            }
        }
        // Above, the edges: blocks at and around each bin's bounds, rests around their bin's
        // smallest size.
        for k in 12..40 {
            for q in 0..4 {
                let bound = ((4 + q) << (k - 2)) * G;
                for have in [bound - G, bound, bound + G] {
                    let low = smallest_of(bin(have));
                    for rest in [MIN, low - G, low, low + G, have - MIN] {
                        if rest >= MIN && rest <= have - MIN {
                            check(have, rest);
                        }
                    }
                }
            }
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "arithmetic only, and slow interpreted")]
    fn bins_rise_with_the_size_and_cover_all_sizes() {
        // `alloc` relies on the rise: every block of a bin above a request's own holds it.
        let mut last = 0;
        for size in (MIN..1 << 24).step_by(G) {
            let i = bin(size);
            assert!(i >= last && i < BINS, "{size} B: bin {i} after {last}");
            if i + 1 < BINS {
                assert!(smallest_of(i + 1) > size, "{size} B: bin {} too low", i + 1);
            }
            last = i;
        }
        // The last bin holds every block from 640 KiB up on wasm32.
        assert_eq!(smallest_of(BINS - 1), (1 << 16) * 5 / 4 * G);
        assert_eq!(bin(isize::MAX as usize & !(G - 1)), BINS - 1);
        // Exact bins for small sizes, then four per power of two.
        assert_eq!(bin(MIN), 0);
        assert_eq!(bin((EXACT - 1) * G), EXACT - 3);
        assert_eq!(bin(EXACT * G), EXACT - 2);
        assert_eq!(bin(EXACT * G * 5 / 4), EXACT - 1);
        assert_eq!(bin(EXACT * G * 2), EXACT + 2);
    }
}
