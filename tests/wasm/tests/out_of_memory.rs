//! Out of memory for real: this binary, like every one here, is linked with a maximum memory of
//! 256 MiB (see `build.rs`), with `AssumeSingleThreaded<FreeListAllocator>` as its global
//! allocator. Running out must be an error the program can handle, not a trap, and freeing must
//! let it allocate again.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test;

#[global_allocator]
static ALLOCATOR: zepto_alloc::AssumeSingleThreaded<zepto_alloc::FreeListAllocator> =
    // SAFETY: wasm without the `atomics` feature runs one thread.
    unsafe { zepto_alloc::AssumeSingleThreaded::new(zepto_alloc::FreeListAllocator::new()) };

const MIB: usize = 1 << 20;

#[wasm_bindgen_test]
fn try_reserve_fails_with_an_error_and_the_program_allocates_again_after_frees() {
    assert!(
        Vec::<u8>::new().try_reserve(512 * MIB).is_err(),
        "more than the maximum memory"
    );

    // Room for the small blocks below, reserved while memory can still grow.
    let mut crumbs: Vec<Vec<u8>> = Vec::with_capacity(4 * 16 + 4 * 16_384 + 4);
    // Fill memory with 1 MiB blocks until it is full.
    let mut blocks: Vec<Vec<u8>> = Vec::with_capacity(300);
    loop {
        let mut block = Vec::new();
        if block.try_reserve_exact(MIB).is_err() {
            break;
        }
        block.push(blocks.len() as u8);
        blocks.push(block);
    }
    let full = core::arch::wasm32::memory_size(0);
    assert!(
        full * 65_536 > 250 * MIB,
        "memory stopped at {full} pages, below the maximum"
    );
    assert!(blocks.len() > 240, "only {} blocks of 1 MiB", blocks.len());
    // What is left (free memory below 1 MiB, and pages below the maximum too few for 1 MiB)
    // serves smaller requests until it too runs out: each size must end in an error, after a
    // number of successes bounded by what can be left, and memory never passes its maximum.
    let max = 256 * MIB;
    for size in [MIB, 65_536, 64] {
        let most = (max - full * 65_536 + 2 * MIB) / size;
        let mut served = 0;
        loop {
            let mut crumb = Vec::new();
            if crumb.try_reserve_exact(size).is_err() {
                break;
            }
            crumb.push(1);
            crumbs.push(crumb);
            served += 1;
            assert!(
                served <= most,
                "{size} B: {served} served from a full memory"
            );
        }
        assert!(
            size < MIB || served == 0,
            "a 1 MiB block after memory was full"
        );
        assert!(core::arch::wasm32::memory_size(0) * 65_536 <= max);
    }
    drop(crumbs);

    // Free most of it: the program allocates again, without growing memory.
    blocks.truncate(10);
    let mut again: Vec<Vec<u8>> = Vec::with_capacity(200);
    for i in 0..200 {
        let mut block = Vec::new();
        block
            .try_reserve_exact(MIB)
            .expect("allocating after frees");
        block.push(i as u8);
        again.push(block);
    }
    assert_eq!(core::arch::wasm32::memory_size(0), full);
    assert!(blocks.iter().enumerate().all(|(i, b)| b[0] == i as u8));
}
