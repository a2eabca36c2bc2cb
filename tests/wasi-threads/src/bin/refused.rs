//! Must not compile: `AssumeSingleThreaded` in a build with threads. `ci/test.sh threads` builds
//! it (feature `refused`) and expects the compile-time error.
#[cfg(all(target_os = "wasi", feature = "refused"))]
#[global_allocator]
static ALLOCATOR: zepto_alloc::AssumeSingleThreaded<zepto_alloc::FreeListAllocator> =
    // SAFETY: not true, which is the point: this build can run threads.
    unsafe { zepto_alloc::AssumeSingleThreaded::new(zepto_alloc::FreeListAllocator::new()) };

fn main() {}
