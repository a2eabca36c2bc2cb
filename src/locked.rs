//! [`LockedAllocator`]: a spin lock around any allocator, for threaded wasm.
//!
//! `locked` is true exactly while one thread is inside a call on `inner`. Taking the lock is an
//! `Acquire` swap, releasing it a `Release` store, so each call sees everything the previous one
//! wrote to the allocator's state and its free memory. In builds with threads, `view` also makes
//! the thread inside see all of the memory the allocator holds (see [`MemoryView`]).

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};

use crate::dead_argument;
use crate::memory_view::MemoryView;

/// Makes any allocator [`Sync`] with a spin lock: one thread at a time runs inside it.
///
/// For wasm with threads (the `atomics` target feature, shared memory): a spin lock is all that
/// works on the browser's main thread, which may not block. Allocator calls are short, so the
/// wait is short. Without `atomics` the atomic operations compile to plain loads and stores, but
/// [`AssumeSingleThreaded`](crate::AssumeSingleThreaded) is smaller there.
///
/// In builds with threads it also works around an engine defect: V8 (Node 20, Chromium 156) may let a thread
/// keep an old view of the shared memory for a moment after another thread grew it, so that its
/// `memory.fill` and `memory.copy` trap on the new pages. A thread inside the lock first brings
/// its view up to all the memory the allocator holds (a `memory.size` and a compare; a
/// `memory.grow(0)` when the view was stale), so `alloc_zeroed`, `realloc` and the calling
/// thread's own copies into the block it got are safe. A block handed to *another* thread is not
/// covered: see the README's "Threads on V8".
///
/// ```no_run
/// use zepto_alloc::{FreeListAllocator, LockedAllocator};
///
/// #[global_allocator]
/// static ALLOCATOR: LockedAllocator<FreeListAllocator> =
///     LockedAllocator::new(FreeListAllocator::new());
/// # fn main() {}
/// ```
pub struct LockedAllocator<T> {
    locked: AtomicBool,
    /// Threads builds only (elsewhere an empty type): the memory a thread inside must see.
    view: MemoryView,
    inner: UnsafeCell<T>,
}

impl<T> LockedAllocator<T> {
    /// Wraps `inner` in a spin lock.
    #[must_use]
    pub const fn new(inner: T) -> Self {
        Self {
            locked: AtomicBool::new(false),
            view: MemoryView::new(),
            inner: UnsafeCell::new(inner),
        }
    }

    /// Runs `f` on the inner allocator while holding the lock. The lock is released when `f`
    /// returns and also when it unwinds (a panicking inner allocator on the host), so a panic
    /// does not leave every later call spinning.
    #[inline(always)]
    pub(crate) fn with_lock<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.lock();
        let _unlock = Unlock(self);
        self.view.catch_up();
        // SAFETY: `lock` returned, so this thread set `locked` and no other thread is inside `f`
        // until `_unlock` drops; the Acquire/Release pair orders their accesses.
        f(unsafe { &*self.inner.get() })
    }

    /// Spins until this thread holds the lock. While another thread holds it, waits with plain
    /// loads, which leave the cache line shared, and tries the swap again only once it looks free.
    #[inline(never)]
    fn lock(&self) {
        while self.locked.load(Ordering::Relaxed) || self.locked.swap(true, Ordering::Acquire) {
            core::hint::spin_loop();
        }
    }

    /// Releases the lock, after recording this thread's view of memory (builds with threads).
    ///
    /// Out of line: 3 to 12 bytes smaller than inline in the `leak-locked`, `free-locked` and
    /// `binned-locked` `full` probes (10 larger in `binned-locked` `box`). It was inline for a while
    /// because with it out of line rustc 1.95 compiled `LockedAllocator<LeakingAllocator>::dealloc`
    /// to a trap; `dealloc` now reads its pointer ([`dead_argument`]), which removed the cause.
    #[inline(never)]
    fn unlock(&self) {
        self.view.record();
        self.locked.store(false, Ordering::Release);
    }
}

/// Releases the lock when dropped: at the end of `with_lock`, or while unwinding out of it.
struct Unlock<'a, T>(&'a LockedAllocator<T>);

impl<T> Drop for Unlock<'_, T> {
    /// Inlined: an out-of-line `drop` would take `&mut self`, the guard's address, and put it on
    /// the stack in every entry point (34 to 59 bytes per configuration).
    #[inline(always)]
    fn drop(&mut self) {
        self.0.unlock();
    }
}

/// Shows whether the lock is held and the inner allocator's type, not its state: reading that
/// would mean taking the lock while formatting, and formatting can allocate, which deadlocks when
/// this is the global allocator.
impl<T> core::fmt::Debug for LockedAllocator<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LockedAllocator")
            .field("locked", &self.locked.load(Ordering::Relaxed))
            .field("inner", &format_args!("{}", core::any::type_name::<T>()))
            .finish()
    }
}

// SAFETY: the lock gives one thread at a time access to `inner`; `T: Send` because successive
// calls may come from different threads, which is a transfer of the allocator between them.
unsafe impl<T: Send> Sync for LockedAllocator<T> {}

// SAFETY: forwards every call, with the caller's contract, to an allocator that upholds it; the
// lock makes the calls on `inner` sequential, as a non-`Sync` allocator requires.
unsafe impl<T: GlobalAlloc> GlobalAlloc for LockedAllocator<T> {
    #[inline(always)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        self.with_lock(|inner| unsafe { inner.alloc(layout) })
    }

    #[inline(always)]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        self.with_lock(|inner| unsafe { inner.alloc_zeroed(layout) })
    }

    #[inline(always)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract. `keep` first, while the block is still allocated (one byte
        // or more): inner allocators that ignore the pointer would otherwise let LLVM turn the
        // calls into traps (see `dead_argument`), which this lock's work around them exposes.
        self.with_lock(|inner| unsafe {
            dead_argument::keep(ptr);
            inner.dealloc(ptr, layout)
        })
    }

    #[inline(always)]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        self.with_lock(|inner| unsafe { inner.realloc(ptr, layout, new_size) })
    }
}
