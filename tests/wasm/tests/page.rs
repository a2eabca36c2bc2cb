//! `LeakingPageAllocator` as the global allocator of a whole test program, in wasm under Node.
#![cfg(target_arch = "wasm32")]

mod common;

#[global_allocator]
static ALLOCATOR: zepto_alloc::LeakingPageAllocator = zepto_alloc::LeakingPageAllocator;

allocator_tests!(scale = 1, frees = false);
