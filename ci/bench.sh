#!/usr/bin/env bash
# The benchmark: every allocator's wasm module runs the same workloads under Node; prints the
# table and writes target/bench-report.md and target/bench-chart.svg. A benchmark, never a test:
# it reports, it does not fail on speed. Arguments go to the runner: --rounds N, --quick,
# --write-readme (updates the README's section and ci/bench/size-vs-speed.svg).
# --instructions counts wasm instructions (wasmtime's fuel) instead of timing, --allocators
# CONFIG,... runs some of them.
# Runs the size gate first: the chart's sizes are its `full` probe figures.
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
ensure_toolchain
ensure_wasm_opt
ensure_twiggy
if [[ " $* " == *" --instructions "* ]]; then ensure_wasmtime; fi
cd "$ROOT"
ci/size-check.sh > /dev/null || echo "bench: the size gate failed; sizes are from this run anyway" >&2
exec cargo run --quiet --locked --release --package bench -- "$@"
