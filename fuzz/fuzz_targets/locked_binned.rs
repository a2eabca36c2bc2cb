//! Fuzz target: `LockedBinned` against the shadow model (see `zepto_alloc::testing::fuzz`).
#![no_main]

use zepto_alloc::testing::{Subject, fuzz};

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz(Subject::LockedBinned, data));
