//! `CheckedAllocator` catches every kind of misuse it claims to, reports it through the handler
//! with the right address and layouts, and leaves the heap usable afterwards; `check_all` finds
//! damage before a free does. (That it reports nothing on correct use, the shadow model and the
//! fuzz body show: the list's `*-checked` configurations run there, and their default handler
//! panics.)

use core::alloc::{GlobalAlloc, Layout};
use std::cell::RefCell;
use zepto_alloc::testing::HostGrower;
use zepto_alloc::{
    AssumeSingleThreaded, CheckedAllocator, FREED_BYTE, FreeListAllocator, QUARANTINE, Violation,
    ViolationKind,
};

thread_local! {
    /// The violations the handler saw on this thread (each test runs on its own thread).
    static SEEN: RefCell<Vec<Violation>> = const { RefCell::new(Vec::new()) };
}

fn record(violation: &Violation) {
    SEEN.with(|seen| seen.borrow_mut().push(*violation));
}

/// The violations reported since the last call.
fn seen() -> Vec<Violation> {
    SEEN.with(|seen| seen.take())
}

type Checked<'g> = CheckedAllocator<AssumeSingleThreaded<FreeListAllocator<&'g HostGrower>>>;

fn checked(grower: &HostGrower) -> Checked<'_> {
    // SAFETY: each test uses its allocator from its own thread only.
    let inner = unsafe { AssumeSingleThreaded::new(FreeListAllocator::with_grower(grower)) };
    CheckedAllocator::with_handler(inner, record)
}

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

/// Allocates a block of `l` filled with `byte`.
fn block(a: &Checked<'_>, l: Layout, byte: u8) -> *mut u8 {
    // SAFETY: non-zero sizes; the block is written within its size.
    unsafe {
        let p = a.alloc(l);
        assert!(!p.is_null());
        assert_eq!(p.addr() % l.align(), 0);
        p.write_bytes(byte, l.size());
        p
    }
}

fn one(kind: ViolationKind, at: *mut u8) -> Violation {
    let v = seen();
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!((v[0].kind, v[0].address), (kind, at.addr()), "{}", v[0]);
    v[0]
}

#[test]
fn a_double_free_is_reported_and_ignored() {
    let grower = HostGrower::new(8);
    let a = checked(&grower);
    let l = layout(48, 8);
    let p = block(&a, l, 1);
    // SAFETY: `p` is live with `l`; the second free is the misuse under test, which the wrapper
    // detects before anything reaches the allocator inside.
    unsafe {
        a.dealloc(p, l);
        a.dealloc(p, l);
    }
    let v = one(ViolationKind::DoubleFree, p);
    assert_eq!((v.allocated, v.given), (Some(l), Some(l)));
    // SAFETY: as above: a realloc of the freed block is refused.
    assert!(unsafe { a.realloc(p, l, 96) }.is_null());
    one(ViolationKind::DoubleFree, p);
    assert_eq!(a.check_all(), 0);
}

#[test]
fn a_pointer_never_handed_out_is_reported() {
    let grower = HostGrower::new(8);
    let a = checked(&grower);
    let l = layout(64, 8);
    let p = block(&a, l, 2);
    // The middle of a live block was never handed out.
    let inside = p.wrapping_add(32);
    // SAFETY: the misuse under test; the words read before `inside` are `p`'s own bytes.
    unsafe { a.dealloc(inside, layout(16, 8)) };
    let v = one(ViolationKind::NotAllocated, inside);
    assert_eq!(v.allocated, None);
    // The block itself is untouched and frees cleanly.
    // SAFETY: `p` is live with `l`.
    unsafe { a.dealloc(p, l) };
    assert!(seen().is_empty());
}

#[test]
fn a_wrong_layout_is_reported_with_both_layouts() {
    let grower = HostGrower::new(8);
    let a = checked(&grower);
    let l = layout(100, 16);
    let p = block(&a, l, 3);
    for wrong in [layout(101, 16), layout(100, 8), layout(99, 32)] {
        // SAFETY: the misuse under test: `p` is live, with another layout.
        unsafe { a.dealloc(p, wrong) };
        let v = one(ViolationKind::WrongLayout, p);
        assert_eq!((v.allocated, v.given), (Some(l), Some(wrong)));
    }
    // SAFETY: `p` is live with `l`.
    unsafe { a.dealloc(p, l) };
    assert!(seen().is_empty());
}

#[test]
fn a_write_past_the_end_is_reported_by_check_all_and_at_free() {
    let grower = HostGrower::new(8);
    let a = checked(&grower);
    let l = layout(24, 8);
    let p = block(&a, l, 4);
    let q = block(&a, l, 5);
    assert_eq!(a.check_all(), 0);
    // SAFETY: the misuse under test: one byte past the end lands in the guard, inside the
    // wrapper's inner block.
    unsafe { p.add(24).write(0) };
    assert_eq!(a.check_all(), 1);
    one(ViolationKind::WriteAfterEnd, p);
    // SAFETY: `p` and `q` are live with `l`.
    unsafe {
        a.dealloc(p, l);
        one(ViolationKind::WriteAfterEnd, p);
        a.dealloc(q, l);
    }
    assert!(seen().is_empty());
}

#[test]
fn a_write_before_the_start_is_reported() {
    let grower = HostGrower::new(8);
    let a = checked(&grower);
    let l = layout(32, 8);
    let p = block(&a, l, 6);
    // SAFETY: the misuse under test: the byte before the block is its header's, inside the inner
    // block.
    unsafe { p.sub(1).write(0xAA) };
    assert_eq!(a.check_all(), 1);
    one(ViolationKind::WriteBeforeStart, p);
    // SAFETY: as above; the damaged block is refused, not freed.
    unsafe { a.dealloc(p, l) };
    one(ViolationKind::WriteBeforeStart, p);
}

#[test]
fn freed_memory_reads_as_the_pattern_and_a_write_after_free_is_reported() {
    let grower = HostGrower::new(8);
    let a = checked(&grower);
    let l = layout(40, 8);
    let p = block(&a, l, 7);
    // SAFETY: `p` is live with `l`. Reading it after the free is the misuse under test: its
    // memory stays in quarantine, the wrapper's.
    unsafe {
        a.dealloc(p, l);
        assert!((0..40).all(|i| p.add(i).read() == FREED_BYTE));
        p.add(10).write(1);
    }
    assert!(
        seen().is_empty(),
        "reported before the block leaves the quarantine"
    );
    assert_eq!(a.check_all(), 1);
    one(ViolationKind::WriteAfterFree, p);
    // QUARANTINE more frees push `p` out of the quarantine: reported again as it goes.
    for i in 0..QUARANTINE {
        let q = block(&a, l, i as u8);
        // SAFETY: `q` is live with `l`.
        unsafe { a.dealloc(q, l) };
    }
    one(ViolationKind::WriteAfterFree, p);
    assert_eq!(a.check_all(), 0);
}

#[test]
fn realloc_keeps_the_contents_and_retires_the_old_block() {
    let grower = HostGrower::new(8);
    let a = checked(&grower);
    let l = layout(20, 4);
    let p = block(&a, l, 9);
    // SAFETY: `p` is live with `l`; the new block is live with 200 bytes at align 4.
    unsafe {
        let q = a.realloc(p, l, 200);
        assert!(!q.is_null());
        assert!((0..20).all(|i| q.add(i).read() == 9));
        a.dealloc(p, l);
        one(ViolationKind::DoubleFree, p);
        a.dealloc(q, layout(200, 4));
    }
    assert!(seen().is_empty());
    assert_eq!(a.check_all(), 0);
}

#[test]
#[should_panic(expected = "freed twice")]
fn the_default_handler_panics_on_the_host() {
    let grower = HostGrower::new(8);
    // SAFETY: used from this thread only.
    let a = CheckedAllocator::new(unsafe {
        AssumeSingleThreaded::new(FreeListAllocator::with_grower(&grower))
    });
    let l = layout(8, 8);
    // SAFETY: non-zero size; the second free is the misuse under test.
    unsafe {
        let p = a.alloc(l);
        a.dealloc(p, l);
        a.dealloc(p, l);
    }
}
