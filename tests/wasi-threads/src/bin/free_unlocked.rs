//! `FreeListAllocator` shared by four wasm threads *without* a lock: `run.mjs` expects this one to
//! fail, which shows the test sees what the lock prevents.
#[cfg(target_os = "wasi")]
use zepto_alloc_wasi_threads_tests::CountingGrower;

#[cfg(target_os = "wasi")]
#[global_allocator]
static ALLOCATOR: zepto_alloc_wasi_threads_tests::NoLock<
    zepto_alloc::FreeListAllocator<CountingGrower>,
> = zepto_alloc_wasi_threads_tests::NoLock(zepto_alloc::FreeListAllocator::with_grower(
    CountingGrower,
));

fn main() {
    zepto_alloc_wasi_threads_tests::main(true);
}
