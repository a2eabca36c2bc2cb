//! `AssumeSingleThreaded<BinnedAllocator>` as the global allocator of a whole test program, in
//! wasm under Node.
#![cfg(target_arch = "wasm32")]

mod common;

#[global_allocator]
static ALLOCATOR: zepto_alloc::AssumeSingleThreaded<zepto_alloc::BinnedAllocator> =
    // SAFETY: wasm without the `atomics` feature runs one thread.
    unsafe { zepto_alloc::AssumeSingleThreaded::new(zepto_alloc::BinnedAllocator::new()) };

allocator_tests!(scale = 16, frees = true);
