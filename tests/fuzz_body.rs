//! The fuzz target's body (`zepto_configs::host::fuzz`), driven by seeded random inputs: what
//! libFuzzer runs in `fuzz/`, run by `cargo test` and Miri without it, for every configuration of
//! the list.

mod common;

use zepto_alloc::testing::{ByteSource, Rng};

#[test]
fn the_fuzz_body_passes_seeded_random_inputs_for_every_configuration() {
    let (inputs, max_len) = if cfg!(miri) { (2, 400) } else { (400, 8192) };
    common::each("fuzz-body", true, |config| {
        for seed in 0..inputs {
            let mut rng = Rng::new(seed);
            let len = (rng.next_u64() % max_len) as usize;
            let data: Vec<u8> = (0..len).map(|_| rng.byte().unwrap()).collect();
            zepto_configs::host::fuzz(config, &data);
        }
    });
}
