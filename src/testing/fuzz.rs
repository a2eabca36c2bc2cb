//! [`fuzz_grower`]: how the fuzz target reads its input, shared with the seeded host test that
//! runs the same body without libFuzzer (so `cargo test` and Miri exercise exactly what the
//! fuzzer does). Which allocators it runs comes from the list of configurations
//! (`size-budget.toml`, read by `ci/configs`), not from here.
//!
//! The first two input bytes pick the grower. The first: bits 0–4 a page limit from 2 to 33
//! pages (so out-of-memory is frequent), bit 5 an unused tail below the first page, bit 6 its
//! size (4 KiB or nearly a page), bit 7 gaps between regions. The second, the order of the
//! regions: rising (as `memory.grow`), falling, or scattered with a seed from that byte. The rest
//! is the operation stream [`run`](super::run) interprets.

use super::{HostGrower, Order};
use crate::PAGE_SIZE;

/// The grower `data` asks for, and the rest of `data`: the operations. `None` for an input too
/// short to say.
pub fn fuzz_grower(data: &[u8]) -> Option<(HostGrower, &[u8])> {
    let [config, order, ref rest @ ..] = *data else {
        return None;
    };
    let order = match order % 3 {
        0 => Order::Rising,
        1 => Order::Falling,
        _ => Order::Scattered(u64::from(order)),
    };
    let limit = 2 + usize::from(config & 0x1f);
    let mut grower = HostGrower::new(limit).with_limit(limit).with_order(order);
    if config & 0x20 != 0 {
        grower = grower.with_tail(if config & 0x40 != 0 {
            4096
        } else {
            PAGE_SIZE - 48
        });
    }
    if config & 0x80 != 0 {
        grower = grower.with_gaps();
    }
    Some((grower, rest))
}
