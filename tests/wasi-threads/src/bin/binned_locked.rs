//! `LockedAllocator<BinnedAllocator>` shared by four wasm threads.
#[cfg(target_os = "wasi")]
use zepto_alloc_wasi_threads_tests::CountingGrower;

#[cfg(target_os = "wasi")]
#[global_allocator]
static ALLOCATOR: zepto_alloc::LockedAllocator<zepto_alloc::BinnedAllocator<CountingGrower>> =
    zepto_alloc::LockedAllocator::new(zepto_alloc::BinnedAllocator::with_grower(CountingGrower));

fn main() {
    zepto_alloc_wasi_threads_tests::main(true);
}
