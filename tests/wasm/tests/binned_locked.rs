//! `LockedAllocator<BinnedAllocator>` as the global allocator of a whole test program, in wasm
//! under Node.
#![cfg(target_arch = "wasm32")]

mod common;

#[global_allocator]
static ALLOCATOR: zepto_alloc::LockedAllocator<zepto_alloc::BinnedAllocator> =
    zepto_alloc::LockedAllocator::new(zepto_alloc::BinnedAllocator::new());

allocator_tests!(scale = 16, frees = true);
