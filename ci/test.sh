#!/usr/bin/env bash
# Every test: formatting, lints, the host test suite (a million shadow-model operations per
# allocator, regressions, out-of-memory, threads, the fuzz body, and the size gate's own tests,
# which run the gate and check the README's size table), the same randomized body under Miri,
# the tests in real wasm under Node, and a build of the fuzz targets.
# Installs what it lacks (pinned): the wasm target, wasm-opt, twiggy, Miri, wasm-bindgen's test
# runner, cargo-fuzz.
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
ensure_toolchain
ensure_wasm_opt
ensure_twiggy
ensure_miri
ensure_wasm_bindgen
ensure_cargo_fuzz
cd "$ROOT"

step() { echo "==> $*" >&2; }

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy -D warnings"
cargo clippy --locked --workspace --all-targets -- -D warnings

step "cargo clippy -D warnings: example/ for wasm, each configuration"
for config in fail page leak free leak-locked free-locked; do
  cargo clippy --locked --quiet --package zepto_alloc_example --target wasm32-unknown-unknown \
    --features "$config,full" -- -D warnings
done

step "cargo clippy -D warnings: the wasm tests, for wasm"
cargo clippy --locked --quiet --package zepto_alloc_wasm_tests --target wasm32-unknown-unknown \
  --tests -- -D warnings

step "host tests"
cargo test --locked --workspace

step "tests in wasm under Node (wasm-bindgen-test), one binary per allocator"
cargo test --locked --package zepto_alloc_wasm_tests --target wasm32-unknown-unknown

step "Miri (strict provenance, Stacked Borrows)"
MIRIFLAGS="-Zmiri-strict-provenance" cargo +nightly miri test --locked --package zepto_alloc

step "Miri (strict provenance, Tree Borrows): the shadow model"
MIRIFLAGS="-Zmiri-strict-provenance -Zmiri-tree-borrows" \
  cargo +nightly miri test --locked --package zepto_alloc --test shadow_model

step "fuzz targets build (nightly; run them with cargo +nightly fuzz run, see README)"
(cd fuzz && cargo +nightly fuzz build)

step "all tests passed"
