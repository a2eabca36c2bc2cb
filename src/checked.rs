//! [`CheckedAllocator`]: a development wrapper that catches heap misuse where it happens.
//!
//! Every block it hands out sits inside a larger block of the allocator it wraps:
//!
//! ```text
//!   base (inner block, aligned to max(align, a word))
//!   | padding | header: size align prev next tag | payload (size bytes) | guard (8 bytes) |
//!                                               ^ the pointer handed out, aligned to `align`
//! ```
//!
//! - `tag` is the payload's address xor `LIVE` while the block is live, xor `FREED` once it is
//!   freed: a pointer whose tag is neither was never handed out (or its block was handed back
//!   long ago); `size` and `align` are the layout it was allocated with;
//! - `prev` and `next` link every live block into one list, which [`check_all`] walks;
//! - the guard holds `GUARD_BYTE`: a write past the end of the payload changes it.
//!
//! A freed block is filled with `FREED_BYTE` and kept in a quarantine of the last [`QUARANTINE`]
//! frees before the allocator inside gets it back, so a second free finds the `FREED` tag, a
//! read after free sees the pattern, and a write after free shows when the block leaves the
//! quarantine. Invariant (under the state's lock): every block in the live list has a `LIVE` tag,
//! every quarantined block a `FREED` tag and a payload of `FREED_BYTE`, and no block is in both.
//!
//! A violation goes to the handler once the lock is released (so a handler may allocate), and
//! the call then does nothing more with the pointer: the block is not freed, a `realloc` returns
//! null.
//!
//! [`check_all`]: CheckedAllocator::check_all

use crate::dead_argument;
use crate::locked::LockedAllocator;
use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;
use core::fmt;
use core::ptr::{self, null_mut};

/// Freed blocks kept back from the allocator inside, most recent last.
pub const QUARANTINE: usize = 16;
/// What a freed payload is filled with (`0xDE`): a read after free sees it.
pub const FREED_BYTE: u8 = 0xDE;
/// What the guard after every payload holds.
const GUARD_BYTE: u8 = 0xFD;
const GUARD: usize = 8;
const LIVE: usize = 0x5A17_E0C5;
const FREED: usize = 0xF4EE_D0C5;

/// The words in front of every payload (see the module); `tag` last, next to the payload, so
/// that a write before the payload's start changes it first.
#[repr(C)]
struct Header {
    size: usize,
    align: usize,
    prev: *mut Header,
    next: *mut Header,
    tag: usize,
}

const HEADER: usize = size_of::<Header>();

/// Heap misuse that a [`CheckedAllocator`] caught.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViolationKind {
    /// `dealloc` or `realloc` of a block already freed.
    DoubleFree,
    /// `dealloc` or `realloc` of a pointer this allocator did not hand out (or whose block it
    /// handed back to the allocator inside long ago).
    NotAllocated,
    /// `dealloc` or `realloc` with a layout (size or alignment) other than the block's.
    WrongLayout,
    /// The bytes after the block were written: a write past its end.
    WriteAfterEnd,
    /// The words before the block were written: a write before its start.
    WriteBeforeStart,
    /// A freed block was written after it was freed.
    WriteAfterFree,
}

/// One violation: what, where, and the layouts involved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Violation {
    /// What happened.
    pub kind: ViolationKind,
    /// The address of the block (the pointer the program has).
    pub address: usize,
    /// The layout the block was allocated with, when known.
    pub allocated: Option<Layout>,
    /// The layout the program passed to `dealloc` or `realloc`, for those.
    pub given: Option<Layout>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ViolationKind::DoubleFree => "freed twice",
            ViolationKind::NotAllocated => "freed, but never allocated here",
            ViolationKind::WrongLayout => "freed with the wrong layout",
            ViolationKind::WriteAfterEnd => "written past its end",
            ViolationKind::WriteBeforeStart => "written before its start",
            ViolationKind::WriteAfterFree => "written after it was freed",
        };
        write!(f, "heap block at {:#x} {what}", self.address)?;
        if let Some(l) = self.allocated {
            write!(f, "; allocated with size {} align {}", l.size(), l.align())?;
        }
        if let Some(l) = self.given {
            write!(f, "; given size {} align {}", l.size(), l.align())?;
        }
        Ok(())
    }
}

/// The default handler: a trap in wasm (the engine's stack trace shows the call), a panic with
/// the description elsewhere.
fn trap(violation: &Violation) {
    #[cfg(target_arch = "wasm32")]
    {
        let _ = violation;
        core::arch::wasm32::unreachable()
    }
    #[cfg(not(target_arch = "wasm32"))]
    panic!("zepto_alloc::CheckedAllocator: {violation}")
}

/// The live list and the quarantine, under a lock.
struct State {
    live: Cell<*mut Header>,
    quarantine: [Cell<*mut u8>; QUARANTINE],
    /// The slot the next freed block goes into: the oldest one's, which leaves then.
    next: Cell<usize>,
}

// SAFETY: the pointers name blocks that the state owns; it moves between threads only inside the
// lock, which orders every access.
unsafe impl Send for State {}

/// A development wrapper around any allocator that detects and reports misuse of the heap before
/// it spreads: a `dealloc` or `realloc` of a pointer that is not live (a double free, a pointer
/// it never handed out), a layout other than the block's, and writes past the end of a block
/// (checked at free and by [`check_all`](CheckedAllocator::check_all)); freed memory is filled
/// with [`FREED_BYTE`] (`0xDE`) so a use after free reads it, and a write after free is caught
/// when the block leaves the quarantine of the last [`QUARANTINE`] frees.
///
/// Each violation goes to a handler, `fn(&Violation)`: by default a trap in wasm (a panic on
/// the host). A handler of your own can say more and let the program go on; the misused block
/// is then left alone (not freed). It may allocate. In a browser, with wasm-bindgen:
///
/// ```ignore
/// use wasm_bindgen::prelude::*;
/// use zepto_alloc::{AssumeSingleThreaded, CheckedAllocator, FreeListAllocator, Violation};
///
/// #[wasm_bindgen]
/// extern "C" {
///     #[wasm_bindgen(js_namespace = console)]
///     fn error(s: &str);
/// }
///
/// fn report(violation: &Violation) {
///     error(&format!("{violation}"));
/// }
///
/// #[global_allocator]
/// static ALLOCATOR: CheckedAllocator<AssumeSingleThreaded<FreeListAllocator>> =
///     // SAFETY: this program runs one thread.
///     CheckedAllocator::with_handler(unsafe { AssumeSingleThreaded::new(FreeListAllocator::new()) }, report);
/// ```
///
/// On WASI, to stderr:
///
/// ```no_run
/// use zepto_alloc::{AssumeSingleThreaded, CheckedAllocator, FreeListAllocator, Violation};
///
/// fn report(violation: &Violation) {
///     eprintln!("heap misuse: {violation}");
///     std::process::abort();
/// }
///
/// #[global_allocator]
/// static ALLOCATOR: CheckedAllocator<AssumeSingleThreaded<FreeListAllocator>> =
///     CheckedAllocator::with_handler(
///         // SAFETY: this program runs one thread.
///         unsafe { AssumeSingleThreaded::new(FreeListAllocator::new()) },
///         report,
///     );
/// # fn main() {}
/// ```
///
/// Costs: each block takes five words of header and 8 bytes of guard more from the allocator
/// inside (28 bytes on wasm32), plus padding up to its alignment; up to 16 freed blocks wait in
/// quarantine; every call takes a spin lock of its own and fills or checks the block's bytes.
/// For development, not for release builds. It is `Sync` when the allocator inside is.
pub struct CheckedAllocator<A> {
    inner: A,
    state: LockedAllocator<State>,
    handler: fn(&Violation),
}

impl<A> CheckedAllocator<A> {
    /// Wraps `inner`; a violation traps (panics on the host).
    #[must_use]
    pub const fn new(inner: A) -> Self {
        Self::with_handler(inner, trap)
    }

    /// Wraps `inner`; each violation goes to `handler`.
    #[must_use]
    pub const fn with_handler(inner: A, handler: fn(&Violation)) -> Self {
        Self {
            inner,
            state: LockedAllocator::new(State {
                live: Cell::new(null_mut()),
                quarantine: [const { Cell::new(null_mut()) }; QUARANTINE],
                next: Cell::new(0),
            }),
            handler,
        }
    }

    /// The allocator inside.
    pub const fn inner(&self) -> &A {
        &self.inner
    }
}

/// Where a block's header is: just before its payload.
fn header(payload: *mut u8) -> *mut Header {
    payload.wrapping_sub(HEADER).cast::<Header>()
}

/// The inner block's layout for a payload of `layout`, and the payload's offset in it.
pub(crate) fn inner_layout(layout: Layout) -> Option<(Layout, usize)> {
    let offset = HEADER.checked_next_multiple_of(layout.align())?;
    let size = offset.checked_add(layout.size())?.checked_add(GUARD)?;
    let align = layout.align().max(align_of::<Header>());
    Some((Layout::from_size_align(size, align).ok()?, offset))
}

impl<A: GlobalAlloc> CheckedAllocator<A> {
    /// Checks every live block's header and guard and every quarantined block's fill, reporting
    /// each violation; returns how many it found. A write before a block's start shows here only
    /// (its header is what `dealloc` trusts).
    pub fn check_all(&self) -> usize {
        let mut found = [None; 8];
        let mut count = 0;
        self.state.with_lock(|state| {
            let mut note = |v: Violation| {
                if let Some(slot) = found.get_mut(count) {
                    *slot = Some(v);
                }
                count += 1;
            };
            let mut at = state.live.get();
            while !at.is_null() {
                // SAFETY: the live list holds headers of live blocks (module invariant).
                let h = unsafe { &*at };
                let payload = at.cast::<u8>().wrapping_add(HEADER);
                let layout = Layout::from_size_align(h.size, h.align).ok();
                if h.tag != payload.addr() ^ LIVE {
                    note(violation(
                        ViolationKind::WriteBeforeStart,
                        payload,
                        None,
                        None,
                    ));
                } else if let Some(l) = layout {
                    // SAFETY: a live block of the layout in its header.
                    if let Some(kind) = unsafe { damage(payload, l) } {
                        note(violation(kind, payload, layout, None));
                    }
                }
                at = h.next;
            }
            for slot in &state.quarantine {
                let payload = slot.get();
                if !payload.is_null() {
                    // SAFETY: a quarantined block's header and payload stay ours until it
                    // leaves the quarantine.
                    if let Some(v) = unsafe { quarantined_damage(payload) } {
                        note(v);
                    }
                }
            }
        });
        for v in found.iter().flatten() {
            (self.handler)(v);
        }
        count
    }

    /// Hands every quarantined block back to the allocator inside (after checking it was not
    /// written after it was freed): for a program that wants the memory, or a test that counts
    /// the inner allocator's free blocks.
    pub fn release_quarantine(&self) {
        for slot in 0..QUARANTINE {
            let report = self.state.with_lock(|state| {
                // SAFETY: the lock is held; `evict` needs it.
                unsafe { self.evict(state, slot) }
            });
            if let Some(v) = report {
                (self.handler)(&v);
            }
        }
    }

    /// Takes the block in quarantine slot `slot` (if any) out and gives it back to the allocator
    /// inside, reporting a write after free.
    ///
    /// # Safety
    ///
    /// The state's lock must be held.
    unsafe fn evict(&self, state: &State, slot: usize) -> Option<Violation> {
        let payload = state.quarantine[slot % QUARANTINE].replace(null_mut());
        if payload.is_null() {
            return None;
        }
        // SAFETY: a quarantined block's header and payload are ours (module invariant).
        let report = unsafe { quarantined_damage(payload) };
        // SAFETY: as above; its layout was checked when it was freed.
        unsafe {
            let h = &*header(payload);
            let layout = Layout::from_size_align_unchecked(h.size, h.align);
            let (outer, offset) = inner_layout(layout).unwrap_unchecked();
            (*header(payload)).tag = 0;
            self.inner.dealloc(payload.wrapping_sub(offset), outer);
        }
        report
    }

    /// The live block at `ptr`, if it is one allocated with `layout`; else the violation.
    ///
    /// # Safety
    ///
    /// The state's lock must be held. Reads the words before `ptr`: for a pointer this allocator
    /// handed out, its header.
    unsafe fn live_block(
        &self,
        state: &State,
        ptr: *mut u8,
        layout: Layout,
    ) -> Result<(), Violation> {
        if ptr.addr() <= HEADER {
            return Err(violation(
                ViolationKind::NotAllocated,
                ptr,
                None,
                Some(layout),
            ));
        }
        // SAFETY: the caller's promise; a pointer from `alloc` has its header there.
        let h = unsafe { &*header(ptr) };
        let allocated = Layout::from_size_align(h.size, h.align).ok();
        if h.tag == ptr.addr() ^ FREED {
            return Err(violation(
                ViolationKind::DoubleFree,
                ptr,
                allocated,
                Some(layout),
            ));
        }
        if h.tag != ptr.addr() ^ LIVE {
            // Damaged from before, if it is in the live list; else never ours.
            let kind = if listed(state, header(ptr)) {
                ViolationKind::WriteBeforeStart
            } else {
                ViolationKind::NotAllocated
            };
            return Err(violation(kind, ptr, None, Some(layout)));
        }
        if allocated != Some(layout) {
            return Err(violation(
                ViolationKind::WrongLayout,
                ptr,
                allocated,
                Some(layout),
            ));
        }
        // SAFETY: a live block of `layout`.
        match unsafe { damage(ptr, layout) } {
            Some(kind) => Err(violation(kind, ptr, allocated, Some(layout))),
            None => Ok(()),
        }
    }

    /// Frees a checked live block: out of the live list, filled, into the quarantine.
    ///
    /// # Safety
    ///
    /// The state's lock must be held; `ptr` is a live block (checked by `live_block`).
    unsafe fn retire(&self, state: &State, ptr: *mut u8, layout: Layout) -> Option<Violation> {
        let at = header(ptr);
        // SAFETY: a live block's header, and its neighbours' in the list.
        unsafe {
            let (prev, next) = ((*at).prev, (*at).next);
            if prev.is_null() {
                state.live.set(next);
            } else {
                (*prev).next = next;
            }
            if !next.is_null() {
                (*next).prev = prev;
            }
            (*at).tag = ptr.addr() ^ FREED;
            ptr.write_bytes(FREED_BYTE, layout.size());
        }
        // The oldest block leaves the quarantine, the freed one takes its slot.
        let slot = state.next.get();
        // SAFETY: the lock is held.
        let report = unsafe { self.evict(state, slot) };
        state.quarantine[slot % QUARANTINE].set(ptr);
        state.next.set((slot + 1) % QUARANTINE);
        report
    }
}

/// Whether `at` is in `state`'s live list (a walk: only after a check has failed). The lock must
/// be held.
fn listed(state: &State, at: *mut Header) -> bool {
    let mut here = state.live.get();
    while !here.is_null() && here != at {
        // SAFETY: the live list holds headers of live blocks (module invariant).
        here = unsafe { (*here).next };
    }
    !here.is_null()
}

/// A violation record.
fn violation(
    kind: ViolationKind,
    at: *mut u8,
    allocated: Option<Layout>,
    given: Option<Layout>,
) -> Violation {
    Violation {
        kind,
        address: at.addr(),
        allocated,
        given,
    }
}

/// Whether the guard after a live block of `layout` at `payload` was overwritten.
///
/// # Safety
///
/// `payload` is a live block of `layout` from a [`CheckedAllocator`].
unsafe fn damage(payload: *mut u8, layout: Layout) -> Option<ViolationKind> {
    let guard = payload.wrapping_add(layout.size());
    // SAFETY: the guard is part of the inner block (the caller's promise).
    let intact = (0..GUARD).all(|i| unsafe { guard.add(i).read() } == GUARD_BYTE);
    (!intact).then_some(ViolationKind::WriteAfterEnd)
}

/// Whether a quarantined block was written after it was freed (payload or guard).
///
/// # Safety
///
/// `payload` is a block in a [`CheckedAllocator`]'s quarantine.
unsafe fn quarantined_damage(payload: *mut u8) -> Option<Violation> {
    // SAFETY: a quarantined block's header, payload and guard are the wrapper's.
    unsafe {
        let h = &*header(payload);
        let layout = Layout::from_size_align_unchecked(h.size, h.align);
        let written = h.tag != payload.addr() ^ FREED
            || (0..h.size).any(|i| payload.add(i).read() != FREED_BYTE)
            || damage(payload, layout).is_some();
        written.then(|| violation(ViolationKind::WriteAfterFree, payload, Some(layout), None))
    }
}

// SAFETY: every block is a payload inside an inner block of `inner_layout(layout)` from `inner`,
// at its aligned offset, with its own header and guard in that block, so blocks never overlap;
// it is handed back to `inner` with that same layout, once, when it leaves the quarantine.
unsafe impl<A: GlobalAlloc> GlobalAlloc for CheckedAllocator<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some((outer, offset)) = inner_layout(layout) else {
            return null_mut();
        };
        // SAFETY: `outer` has a non-zero size.
        let base = unsafe { self.inner.alloc(outer) };
        if base.is_null() {
            return base;
        }
        let payload = base.wrapping_add(offset);
        self.state.with_lock(|state| {
            let at = header(payload);
            // SAFETY: the header and guard lie inside the inner block, which is ours; the header
            // is aligned (the offset is a multiple of its size and of the alignment).
            unsafe {
                at.write(Header {
                    tag: payload.addr() ^ LIVE,
                    size: layout.size(),
                    align: layout.align(),
                    prev: null_mut(),
                    next: state.live.get(),
                });
                if let Some(next) = state.live.get().as_mut() {
                    next.prev = at;
                }
                payload.add(layout.size()).write_bytes(GUARD_BYTE, GUARD);
            }
            state.live.set(at);
        });
        payload
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let report = self.state.with_lock(|state| {
            // SAFETY: the lock is held; the caller's contract (which this checks) says `ptr` is a
            // live block of ours; `keep` reads its first byte, which is ours if it is.
            unsafe {
                match self.live_block(state, ptr, layout) {
                    Ok(()) => {
                        dead_argument::keep(ptr);
                        self.retire(state, ptr, layout)
                    }
                    Err(v) => Some(v),
                }
            }
        });
        if let Some(v) = report {
            (self.handler)(&v);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let checked = self.state.with_lock(|state| {
            // SAFETY: the lock is held; as for `dealloc`.
            unsafe { self.live_block(state, ptr, layout) }
        });
        if let Err(v) = checked {
            (self.handler)(&v);
            return null_mut();
        }
        // SAFETY: `new_size` with `layout.align()` is a valid layout (the caller's contract).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: a valid, non-zero layout.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: two distinct live blocks, each at least as long as what is copied; `ptr` is
            // live with `layout` (checked above).
            unsafe {
                ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

impl<A> fmt::Debug for CheckedAllocator<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckedAllocator")
            .field("inner", &format_args!("{}", core::any::type_name::<A>()))
            .finish_non_exhaustive()
    }
}
