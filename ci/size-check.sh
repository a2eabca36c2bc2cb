#!/usr/bin/env bash
# The size gate: builds every allocator configuration for wasm (wasm32-unknown-unknown, and ours
# and lol_alloc's for wasm32v1-none too), prints the size table, writes
# target/size-report.md and fails when a configuration is over its budget in size-budget.toml.
# Arguments go to the gate: --baseline DIR|GIT-REF, --only CONFIG,..., --budget FILE,
# --write-readme (see ci/size-gate/src/main.rs).
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
ensure_toolchain
ensure_target wasm32v1-none
ensure_wasm_opt
ensure_twiggy
cd "$ROOT"
exec cargo run --quiet --locked --release --package size-gate -- "$@"
