//! `LockedAllocator<BinnedAllocator>` shared by four wasm threads.
#[cfg(target_os = "wasi")]
#[global_allocator]
static ALLOCATOR: zepto_alloc::LockedAllocator<zepto_alloc::BinnedAllocator> =
    zepto_alloc::LockedAllocator::new(zepto_alloc::BinnedAllocator::new());

fn main() {
    zepto_alloc_wasi_threads_tests::main(true);
}
