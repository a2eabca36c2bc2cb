//! `zepto_alloc::AssumeSingleThreaded<zepto_alloc::LeakingAllocator>` as the global allocator of a wasm32-wasip1 program, next to wasi-libc's malloc.

#[cfg(target_os = "wasi")]
#[global_allocator]
static ALLOCATOR: zepto_alloc::AssumeSingleThreaded<zepto_alloc::LeakingAllocator> =
    // SAFETY: this program runs one thread.
    unsafe { zepto_alloc::AssumeSingleThreaded::new(zepto_alloc::LeakingAllocator::new()) };

fn main() {
    zepto_alloc_wasi_tests::main(false, 16);
}
