//! Tests of zepto_alloc inside real wasm, as the global allocator of whole test programs: see
//! `tests/`, one binary per configuration. Run with
//! `cargo test -p zepto_alloc_wasm_tests --target wasm32-unknown-unknown` (the runner,
//! `wasm-bindgen-test-runner`, is set in `.cargo/config.toml`); `ci/test.sh` does.
#![no_std]
