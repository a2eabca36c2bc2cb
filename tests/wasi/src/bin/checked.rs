//! `CheckedAllocator` on WASI, as a program would use it while hunting a heap bug: the global
//! allocator checked, and each violation printed to stderr. The program then misuses the heap on
//! purpose (a double free and a free with the wrong layout, through the allocator itself) and
//! checks that both were reported and that everything else still works. `ci/test.sh wasi` runs
//! it; its stderr shows the two reports.

#[cfg(target_os = "wasi")]
mod program {
    use std::alloc::{GlobalAlloc, Layout};
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    use zepto_alloc::{AssumeSingleThreaded, CheckedAllocator, FreeListAllocator, Violation};

    static REPORTED: AtomicUsize = AtomicUsize::new(0);

    /// What a program on WASI does with a violation: say it on stderr. (A program that cannot go
    /// on would `std::process::abort()` here.)
    fn report(violation: &Violation) {
        eprintln!("heap misuse: {violation}");
        REPORTED.fetch_add(1, Relaxed);
    }

    #[global_allocator]
    static ALLOCATOR: CheckedAllocator<AssumeSingleThreaded<FreeListAllocator>> =
        CheckedAllocator::with_handler(
            // SAFETY: this program runs one thread.
            unsafe { AssumeSingleThreaded::new(FreeListAllocator::new()) },
            report,
        );

    pub fn run() {
        let words: Vec<String> = (0..1000).map(|i| format!("word {i}")).collect();
        let layout = Layout::from_size_align(48, 8).unwrap();
        // SAFETY: a non-zero size; the second free and the wrong layout are the misuse this
        // program shows, which the checked allocator catches before anything else sees it.
        unsafe {
            let block = ALLOCATOR.alloc(layout);
            assert!(!block.is_null());
            ALLOCATOR.dealloc(block, layout);
            ALLOCATOR.dealloc(block, layout);
            let other = ALLOCATOR.alloc(layout);
            ALLOCATOR.dealloc(other, Layout::from_size_align(40, 8).unwrap());
            ALLOCATOR.dealloc(other, layout);
        }
        assert_eq!(REPORTED.load(Relaxed), 2, "both misuses reported");
        assert_eq!(words.concat().len(), 7890, "the heap still works");
        drop(words);
        assert_eq!(ALLOCATOR.check_all(), 0);
        println!("checked: 2 misuses reported on stderr, the heap intact");
    }
}

fn main() {
    #[cfg(target_os = "wasi")]
    program::run();
    #[cfg(not(target_os = "wasi"))]
    eprintln!("build for wasm32-wasip1 and run with tests/wasi/run.mjs");
}
