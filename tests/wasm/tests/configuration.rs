//! The configuration named by `ZEPTO_CONFIG` (size-budget.toml) as the global allocator of a
//! whole test program (the harness runs on it too), in wasm under Node or a browser. `ci/test.sh`
//! builds and runs it once for every configuration that allocates; build.rs writes the allocator.
#![cfg(target_arch = "wasm32")]

mod common;

include!(concat!(env!("OUT_DIR"), "/configuration.rs"));

allocator_tests!();
