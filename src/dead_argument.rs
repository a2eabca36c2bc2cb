//! [`keep`]: a `dealloc` that does work but never reads its pointer must read it anyway, or LLVM
//! may compile the calls to it into traps.
//!
//! # What LLVM does
//!
//! With a `#[global_allocator]`, rustc defines `__rust_dealloc(ptr, size, align)` and declares it
//! to LLVM as a deallocation function (`allockind("free")`, with `ptr` marked `allocptr`). When
//! its body does some work (takes a lock, counts) but never reads `ptr`, and LLVM does not inline
//! it into a caller, two of LLVM's passes meet:
//!
//! 1. *Dead-argument elimination* sees that the body never reads `ptr` and replaces it with
//!    `poison` at every call site, which would be fine for an ordinary function: any value does.
//! 2. *InstCombine* then sees a call to a deallocation function whose freed pointer is `poison`.
//!    Freeing `poison` is undefined behaviour, so the call and everything after it on that path
//!    become `unreachable`: the program traps at its first `dealloc`.
//!
//! Whether `__rust_dealloc` is inlined is a cost decision that changes with the target, the
//! opt-level and the code around the allocator. With rustc 1.95 (LLVM 22.1) it was kept out of
//! line, and so trapped, for `LockedAllocator<LeakingAllocator>` at opt-level "z" on
//! `wasm32-wasip1-threads` (where the lock also refreshes the thread's view of memory) and, while
//! the unlock was a function of its own, on `wasm32-unknown-unknown` too. lol_alloc 0.4.1's
//! `LockedAllocator<LeakingAllocator>` traps the same way at "z" on `wasm32-unknown-unknown`,
//! `wasm32-wasip1` and `wasm32-wasip1-threads`. `ci/repro/dealloc-poison/` reproduces it without
//! any allocator crate, on x86_64 as well.
//!
//! # Why the fix holds
//!
//! [`LockedAllocator`](crate::LockedAllocator)`::dealloc`, the one body in this crate that does
//! work around an inner `dealloc`, calls [`keep`] before it: a volatile load of one byte at the
//! pointer, whose value is dropped. LLVM must perform every volatile access, so no pass may
//! remove that load; an argument that a kept instruction reads is live, so dead-argument
//! elimination leaves it alone, the call sites keep the real pointer, and InstCombine has no
//! `poison` to act on. That holds whatever is inlined, on every target and at every opt-level,
//! and for any allocator inside the lock, ours or another crate's.
//!
//! The leaking allocators' own `dealloc` bodies are empty, and stay so: `FailAllocator`,
//! `LeakingPageAllocator` and `AssumeSingleThreaded<LeakingAllocator>` give `__rust_dealloc` no
//! work, so LLVM deletes every call to it, inlined or not (it infers that the function has no
//! effect; checked with inlining disabled, `-Cllvm-args=-inline-threshold=-10000`), and no call is
//! left to miscompile. Reading the pointer there would cost far more than the 6 bytes it adds to
//! a `dealloc` body: a side effect in every `dealloc` keeps every loop that only frees (the drop
//! of a `Vec<String>`, of a map) in the program, 4,367 bytes (2.1%) in a 205 KB module of
//! serde_json and pulldown-cmark (measured; see the CHANGELOG). The price: a wrapper from
//! another crate around a leaking allocator (a counter, a lock) gives `__rust_dealloc` work again
//! and is exposed; the README says so.
//!
//! The read is sound: `GlobalAlloc::dealloc`'s caller passes a block that is still allocated
//! until `dealloc` returns, and at least one byte long (layouts of size zero never reach a global
//! allocator). It is read as `MaybeUninit<u8>`, so bytes the program never wrote are fine too,
//! and before the inner allocator sees the block.
//!
//! `core::hint::black_box` would keep the argument too, but only as "best effort" by its
//! documentation. An `assume(ptr != null)` costs no instruction, but LLVM drops such an assumption
//! late in its pipeline (`DropUnnecessaryAssumes`), so it holds only by the order of passes.

use core::mem::MaybeUninit;

/// Uses `ptr` in a way no optimisation may remove (see the module): one volatile byte read.
///
/// # Safety
///
/// `ptr` must be valid for reading one byte: in `GlobalAlloc::dealloc`, the block being freed,
/// before it is handed back.
#[inline(always)]
pub(crate) unsafe fn keep(ptr: *mut u8) {
    // SAFETY: the caller promises one readable byte at `ptr`; `MaybeUninit` accepts any byte,
    // initialised or not.
    unsafe { ptr.cast::<MaybeUninit<u8>>().read_volatile() };
}
