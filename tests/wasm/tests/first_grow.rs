//! What `WasmGrower` returns when it makes the program's first `memory.grow`: exactly the new
//! pages, never the memory between `__heap_base` and the end of the initial memory, which
//! wasi-libc's malloc and dlmalloc claim too. This binary's global allocator takes its memory
//! from a static arena, so the test's grow is the first of the program.
#![cfg(target_arch = "wasm32")]

mod common;

use core::arch::wasm32::memory_size;
use wasm_bindgen_test::wasm_bindgen_test;
use zepto_alloc::{AssumeSingleThreaded, FreeListAllocator, MemoryGrower, PAGE_SIZE, WasmGrower};

#[global_allocator]
static ALLOCATOR: AssumeSingleThreaded<FreeListAllocator<common::ArenaGrower>> =
    // SAFETY: wasm without the `atomics` feature runs one thread.
    unsafe {
        AssumeSingleThreaded::new(FreeListAllocator::with_grower(common::ArenaGrower::new()))
    };

#[wasm_bindgen_test]
fn wasm_grower_returns_exactly_the_new_pages_from_the_first_grow_on() {
    for pages in [1, 3, 1] {
        let before = memory_size(0);
        let region = WasmGrower.grow_region(pages).expect("memory.grow");
        assert_eq!(
            region.cast::<u8>() as usize,
            before * PAGE_SIZE,
            "the region starts where memory ended"
        );
        assert_eq!(
            region.len(),
            pages * PAGE_SIZE,
            "the region is the new pages"
        );
        assert_eq!(memory_size(0), before + pages);
    }
}
