#!/usr/bin/env bash
# Every test: formatting, lints, the host test suite (a million shadow-model operations per
# allocator, regressions, out-of-memory, and the size gate's own tests, which run the gate and
# check the README's size table), then the same randomized body under Miri.
# Installs what it lacks (pinned): the wasm target, wasm-opt, twiggy, Miri.
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
ensure_toolchain
ensure_wasm_opt
ensure_twiggy
ensure_miri
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

step "host tests"
cargo test --locked --workspace

step "Miri (strict provenance, Stacked Borrows)"
MIRIFLAGS="-Zmiri-strict-provenance" cargo +nightly miri test --locked --package zepto_alloc

step "Miri (strict provenance, Tree Borrows): the shadow model"
MIRIFLAGS="-Zmiri-strict-provenance -Zmiri-tree-borrows" \
  cargo +nightly miri test --locked --package zepto_alloc --test shadow_model

step "all tests passed"
