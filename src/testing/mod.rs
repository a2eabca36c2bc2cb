//! Test support shared by the crate's host tests, Miri runs and fuzz target (feature `testing`).
//!
//! **Not a public API**: it exists so that one randomized body checks every allocator the same
//! way from `cargo test`, `cargo miri test` and libFuzzer, and it changes without notice.
//!
//! - [`HostGrower`] plays `memory.grow` on the host: pages of one real allocation, so pointers
//!   carry provenance and Miri can check them, with a page limit for out-of-memory, regions in
//!   rising, falling or scattered address [`Order`] (the grower contract allows any), optional
//!   gaps (another module grew memory in between) and an unused tail below the first page.
//! - [`Inspect`] lets a test see an allocator's free blocks.
//! - [`run`] interprets bytes as allocator operations and checks each against a shadow model:
//!   alignment, bounds, non-overlap, contents preserved, zeroed memory zero, nulls only when the
//!   grower refused, and that free and used memory add up to what was grown; [`run_threads`]
//!   does the same from several threads at once.
//! - [`fuzz_grower`] reads the fuzz target's input: a grower configuration, then the operations
//!   for [`run`] (the allocator comes from the list of configurations, `ci/configs`).

mod fuzz;
mod host_grower;
mod inspect;
mod model;
mod ops;

pub use fuzz::fuzz_grower;
pub use host_grower::{HostGrower, Order};
pub use inspect::Inspect;
pub use model::{Model, Reuse, Taken};
pub use ops::{ByteSource, Expect, Rng, Stats, run, run_threads};
