//! `zepto_alloc::LeakingPageAllocator` as the global allocator of a wasm32-wasip1 program, next to wasi-libc's malloc.

#[cfg(target_os = "wasi")]
#[global_allocator]
static ALLOCATOR: zepto_alloc::LeakingPageAllocator = zepto_alloc::LeakingPageAllocator;

fn main() {
    zepto_alloc_wasi_tests::main(false, 1);
}
