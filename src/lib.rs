//! The smallest global allocators for WebAssembly.
//!
//! Every byte of a `.wasm` file is downloaded and compiled before a page starts. These
//! allocators cost as few bytes as each level of service allows, and the crate's size gate
//! measures them on every change. Names follow lol_alloc 0.4, so switching is one line.
//!
//! | allocator | frees | alloc / dealloc | thread safety |
//! |---|---|---|---|
//! | [`FailAllocator`] | — | O(1), always null | `Sync` |
//! | [`LeakingPageAllocator`] | no | O(1), whole pages per request | `Sync` |
//! | [`LeakingAllocator`] | no | O(1) bump pointer | wrap it |
//! | [`FreeListAllocator`] | yes, coalescing | O(free blocks) | wrap it |
//!
//! Wrap the non-`Sync` ones in [`AssumeSingleThreaded`] (an `unsafe` promise, zero cost) or
//! [`LockedAllocator`] (a spin lock, for threaded wasm):
//!
//! ```no_run
//! use zepto_alloc::{AssumeSingleThreaded, FreeListAllocator};
//!
//! // SAFETY: this program is single-threaded.
//! #[global_allocator]
//! static ALLOCATOR: AssumeSingleThreaded<FreeListAllocator> =
//!     unsafe { AssumeSingleThreaded::new(FreeListAllocator::new()) };
//! # fn main() {}
//! ```
//!
//! Every allocator takes its memory from a [`MemoryGrower`]: [`WasmGrower`] (`memory.grow`) by
//! default, or your own through `with_grower`. Failures are null returns; no code path panics.
//!
//! # Soundness
//!
//! `memory.grow` returns a page number, not a pointer, so there is no allocation whose provenance
//! a pointer could carry. This crate treats all of linear memory as one allocated object whose
//! provenance is exposed, and turns addresses into pointers in one audited function inside
//! [`WasmGrower`]; all other pointer arithmetic keeps provenance, so the same code runs under Miri
//! on the host. Because all of memory is one object, merging free blocks from two separate grows
//! is sound. Thread safety comes only from the wrappers.
#![no_std]
#![deny(missing_docs)]

#[cfg(feature = "testing")]
extern crate std;

mod binned;
mod fail;
mod free_list;
mod grower;
mod layout_math;
mod leaking;
mod leaking_page;
mod locked;
mod single_threaded;

#[cfg(feature = "testing")]
pub mod testing;

pub use binned::BinnedAllocator;
pub use fail::FailAllocator;
pub use free_list::FreeListAllocator;
pub use grower::{DefaultGrower, MIN_ALIGN, MemoryGrower, PAGE_SIZE, WasmGrower};
pub use leaking::LeakingAllocator;
pub use leaking_page::LeakingPageAllocator;
pub use locked::LockedAllocator;
pub use single_threaded::AssumeSingleThreaded;
