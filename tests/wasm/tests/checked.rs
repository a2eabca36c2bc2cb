//! `CheckedAllocator` in real wasm (Node and Chromium): every kind of misuse is caught and
//! reported through a handler that prints it to the console, as a program in a browser would, and
//! the heap stays usable. The checked allocator here is a local one over `WasmGrower`; the global
//! allocator runs the harness.
#![cfg(target_arch = "wasm32")]

use core::alloc::{GlobalAlloc, Layout};
use std::cell::RefCell;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};
use zepto_alloc::{
    AssumeSingleThreaded, CheckedAllocator, FREED_BYTE, FreeListAllocator, QUARANTINE, Violation,
    ViolationKind,
};

#[global_allocator]
static ALLOCATOR: AssumeSingleThreaded<FreeListAllocator> =
    // SAFETY: wasm without the `atomics` feature runs one thread.
    unsafe { AssumeSingleThreaded::new(FreeListAllocator::new()) };

thread_local! {
    static SEEN: RefCell<Vec<ViolationKind>> = const { RefCell::new(Vec::new()) };
}

/// What a program's handler does in a browser: say it on the console (and here, keep the kind).
fn report(violation: &Violation) {
    console_log!("heap misuse: {violation}");
    SEEN.with(|seen| seen.borrow_mut().push(violation.kind));
}

fn seen() -> Vec<ViolationKind> {
    SEEN.with(|seen| seen.take())
}

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

#[wasm_bindgen_test]
fn every_kind_of_misuse_is_reported_and_the_heap_stays_usable() {
    // SAFETY: wasm without the `atomics` feature runs one thread.
    let checked = CheckedAllocator::with_handler(
        unsafe { AssumeSingleThreaded::new(FreeListAllocator::new()) },
        report,
    );
    let l = layout(64, 8);
    // SAFETY: non-zero sizes; every misuse below is one the wrapper detects before it reaches the
    // allocator inside (the words it reads before a pointer lie in its own blocks).
    unsafe {
        let a = checked.alloc(l);
        let b = checked.alloc(l);
        let c = checked.alloc(l);
        assert!(!a.is_null() && !b.is_null() && !c.is_null());
        checked.dealloc(a, l);
        assert_eq!(a.read(), FREED_BYTE, "a read after free sees the pattern");
        checked.dealloc(a, l);
        checked.dealloc(b.add(32), layout(8, 8));
        checked.dealloc(b, layout(65, 8));
        // `b` was left alone each time: it frees cleanly now.
        checked.dealloc(b, l);
        c.add(64).write(1);
        assert_eq!(checked.check_all(), 1);
        checked.dealloc(c, l);
        a.write(2);
        for _ in 0..QUARANTINE {
            let d = checked.alloc(l);
            checked.dealloc(d, l);
        }
        assert_eq!(
            seen(),
            [
                ViolationKind::DoubleFree,
                ViolationKind::NotAllocated,
                ViolationKind::WrongLayout,
                ViolationKind::WriteAfterEnd,
                ViolationKind::WriteAfterEnd,
                ViolationKind::WriteAfterFree,
            ]
        );
        let d = checked.alloc(layout(1000, 16));
        assert!(!d.is_null());
        checked.dealloc(d, layout(1000, 16));
    }
    // `c`, whose guard was overwritten, was never freed: it stays the one finding.
    assert_eq!(checked.check_all(), 1);
    assert_eq!(seen(), [ViolationKind::WriteAfterEnd]);
}
