//! The fuzz targets' body (`zepto_alloc::testing::fuzz`), driven by seeded random inputs: what
//! libFuzzer runs in `fuzz/`, run by `cargo test` and Miri without it.

use zepto_alloc::testing::{ByteSource, Rng, Subject, fuzz};

#[test]
fn the_fuzz_body_passes_seeded_random_inputs_for_every_allocator() {
    let (inputs, max_len) = if cfg!(miri) { (2, 400) } else { (400, 8192) };
    for subject in Subject::ALL {
        for seed in 0..inputs {
            let mut rng = Rng::new(seed);
            let len = (rng.next_u64() % max_len) as usize;
            let data: Vec<u8> = (0..len).map(|_| rng.byte().unwrap()).collect();
            fuzz(subject, &data);
        }
    }
}
