//! Overflow-free size and alignment arithmetic shared by the allocators.
//!
//! Every function here relies on one invariant of [`core::alloc::Layout`]: `size + align - 1`
//! is at most `isize::MAX`, so adding anything below `usize::MAX / 2` to it cannot overflow.

use crate::grower::PAGE_SIZE;

/// The freeing allocators' block unit: two machine words. Block addresses and sizes are multiples
/// of it, so a free block can always hold a list node (two words). Not an alignment promise to
/// users: `Layout::align` is what they get.
pub(crate) const UNIT: usize = 2 * size_of::<usize>();

// Regions that `grow_region` extends downwards start on a multiple of 16, which must be a
// multiple of the unit for blocks to stay aligned.
const _: () = assert!(crate::grower::REGION_ALIGN % UNIT == 0);

/// Pages to request so that a fresh page-aligned region holds `size` bytes at `align`.
///
/// For `align <= PAGE_SIZE` every page start is aligned, so `ceil(size / PAGE_SIZE)` pages do;
/// a larger alignment can need up to `align - PAGE_SIZE` bytes of padding in front.
/// No overflow: `size + max(align, PAGE_SIZE) - 1 <= isize::MAX + PAGE_SIZE`.
///
/// Not `div_ceil`: adding `PAGE_SIZE - 1` cannot overflow here, and the shift-only form is 6
/// bytes smaller in the `leak` `full` probe.
#[inline(always)]
#[allow(clippy::manual_div_ceil)]
pub(crate) fn pages_for(size: usize, align: usize) -> usize {
    (size + ((align - 1) & !(PAGE_SIZE - 1)) + PAGE_SIZE - 1) / PAGE_SIZE
}

/// Bytes from `address` up to the next multiple of `align` (a power of two); below `align`.
#[inline(always)]
pub(crate) fn padding(address: usize, align: usize) -> usize {
    address.wrapping_neg() & (align - 1)
}

/// Size of the block that serves a request of `size` bytes in the freeing allocators: a
/// multiple of [`UNIT`] and at least [`UNIT`], so a freed block can hold a list node.
///
/// No overflow: `size <= isize::MAX`. `size` is not 0: `GlobalAlloc` forbids zero-size layouts
/// (handling them would cost 16 bytes in the `free` configuration).
#[inline(always)]
pub(crate) fn block_size(size: usize) -> usize {
    (size + UNIT - 1) & !(UNIT - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_for_covers_size_and_alignment() {
        assert_eq!(pages_for(1, 1), 1);
        assert_eq!(pages_for(PAGE_SIZE, 8), 1);
        assert_eq!(pages_for(PAGE_SIZE + 1, 8), 2);
        assert_eq!(pages_for(PAGE_SIZE - 16, PAGE_SIZE), 1);
        // 128 KiB alignment: a page-aligned region may need one page of padding.
        assert_eq!(pages_for(1, 2 * PAGE_SIZE), 2);
        assert_eq!(pages_for(PAGE_SIZE, 2 * PAGE_SIZE), 2);
        // The largest layout Rust allows does not overflow: size + align - PAGE_SIZE bytes.
        let align = 1 << (usize::BITS - 2);
        let size = isize::MAX as usize - (align - 1);
        assert_eq!(
            pages_for(size, align),
            (isize::MAX as usize + 1 - PAGE_SIZE) / PAGE_SIZE
        );
    }

    #[test]
    fn padding_reaches_next_multiple() {
        assert_eq!(padding(0, 8), 0);
        assert_eq!(padding(1, 8), 7);
        assert_eq!(padding(8, 8), 0);
        assert_eq!(padding(usize::MAX, 2), 1);
        assert_eq!(padding(3 * PAGE_SIZE, 2 * PAGE_SIZE), PAGE_SIZE);
    }

    #[test]
    fn block_size_rounds_to_two_words() {
        assert_eq!(block_size(1), UNIT);
        assert_eq!(block_size(UNIT), UNIT);
        assert_eq!(block_size(UNIT + 1), 2 * UNIT);
        let max = isize::MAX as usize;
        assert_eq!(block_size(max), (max + 1).next_multiple_of(UNIT));
    }
}
