#!/usr/bin/env bash
# Every test, or the named steps (`ci/test.sh host miri`), in this order:
#   lint     cargo fmt --check; clippy -D warnings (host, example/ per configuration for wasm, the
#            wasm tests); rustdoc for wasm32 with warnings as errors
#   host     the host suite: a million shadow-model operations per allocator, regressions,
#            out-of-memory, threads, the fuzz body, doctests (README included), and the size
#            gate's own tests, which run the gate and check the README's size table; the binned
#            allocator's shadow model again at opt-level "z" (it splits blocks another way at 2
#            and 3)
#   wasm     the tests in real wasm under Node (wasm-bindgen-test), one binary per allocator
#   browser  the same wasm tests in headless Chromium (WebDriver)
#   firefox  the same wasm tests in headless Firefox (geckodriver), where the one-thread negative
#            control (free-twice) must fail them; the real-threads programs in Firefox's Web
#            Workers, where the one without a lock must fail; the stale-view engine check
#   matrix   what ships: every configuration's `full` probe built as a user's release build (fat
#            LTO, one codegen unit, panic=abort) at opt-levels "z", "s", 2 and 3, for
#            wasm32-unknown-unknown, wasm32v1-none (no_std), wasm32-wasip1 and
#            wasm32-wasip1-threads; each scanned for traps and driven from Node (no wasm-bindgen),
#            the threads target's by four threads at once over one shared memory; lol_alloc's
#            LockedAllocator<LeakingAllocator>, whose dealloc is a trap, must fail both, and
#            FreeListAllocator without a lock the threads; then Node's calls replayed under
#            wasmtime, which must give the same results and memory (and the same trap)
#   threads  LockedAllocator shared by four real wasm threads (wasm32-wasip1-threads, Node
#            worker_threads, then headless Chromium's Web Workers); without the lock the same test
#            must fail; again with every thread's view of memory kept stale (V8
#            --no-wasm-stack-checks; see src/memory_view.rs); AssumeSingleThreaded must not
#            compile there, nor on wasm32-unknown-unknown with -C target-cpu=bleeding-edge
#   wasi     each configuration as the allocator of a wasm32-wasip1 std program, next to
#            wasi-libc's malloc, under Node's WASI; the one-thread negative control must fail
#   wasmtime the same programs under wasmtime (PyPI `wasmtime`), and built for wasm32-wasip2 as
#            WASI 0.2 components; the wasip2 defect they leave out still there
#            (ci/repro/wasip2-cabi-realloc); the real-threads programs on wasmtime's engine
#   miri     the same randomized body and the other host tests under Miri
#   fuzz     a build of the fuzz targets (nightly, cargo-fuzz)
#   package  cargo package and cargo publish --dry-run
#   msrv     the crate builds with its rust-version
# Installs what a step lacks (pinned): the wasm target, wasm-opt, twiggy, Miri, wasm-bindgen's
# test runner, cargo-fuzz, the minimum toolchain, the wasm32v1-none, wasm32-wasip1,
# wasm32-wasip1-threads and wasm32-wasip2 targets, Chromium, Firefox and geckodriver, wasmtime.
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$ROOT"

ALL=(lint host wasm browser firefox matrix threads wasi wasmtime miri fuzz package msrv)
STEPS=("${@:-${ALL[@]}}")
step() { echo "==> $*" >&2; }

# The list of configurations (size-budget.toml), through ci/configs: `configs list --suite wasm`
# names what a suite runs. Every suite marks what it ran under $ZEPTO_COVERAGE, and `covered`
# checks at the end of a step that it ran every configuration its rule calls for.
configs() { cargo run --locked --quiet --release --package zepto_configs --bin configs -- "$@"; }
export ZEPTO_COVERAGE="$ROOT/target/coverage"
covered() {
  step "every configuration its rule calls for, for: $*"
  configs check "$@"
}
ensure_toolchain
mapfile -t CONFIGS < <(configs list)

# The wasm-bindgen tests, for `suite` (wasm or browser: the runner reads the environment): the
# `configuration` test once for each configuration of the suite, then the other test binaries.
wasm_tests() {
  local suite=$1 config
  rm -rf "${ZEPTO_COVERAGE:?}/$suite"
  for config in $(configs list --suite "$suite"); do
    step "  $suite: $config"
    ZEPTO_CONFIG="$config" cargo test --locked --package zepto_alloc_wasm_tests \
      --target wasm32-unknown-unknown --test configuration
    configs mark "$suite" "$config"
  done
  cargo test --locked --package zepto_alloc_wasm_tests --target wasm32-unknown-unknown \
    --test fail --test first_grow --test heap_tail --test out_of_memory --test checked
  covered "$suite"
}

# The wasm-bindgen tests again with the one-thread controls as the allocator: each must fail.
wasm_controls() {
  local config
  for config in $(configs list --controls one-thread); do
    step "  $1: $config must fail"
    ZEPTO_CONFIG="$config" cargo test --locked --quiet --package zepto_alloc_wasm_tests \
      --target wasm32-unknown-unknown --test configuration --no-run
    if ZEPTO_CONFIG="$config" cargo test --locked --quiet --package zepto_alloc_wasm_tests \
      --target wasm32-unknown-unknown --test configuration >/dev/null 2>&1; then
      echo "the wasm-bindgen tests passed with $config, a control that must fail" >&2
      exit 1
    fi
  done
}

# The WASI programs for `target` (wasm32-wasip1, or wasm32-wasip2: a component) in target/TARGET/:
# each configuration that allocates and each one-thread control as the global allocator of a std
# program (tests/wasi), and the CheckedAllocator example. Sets WASI_PROGRAMS and WASI_CONTROLS.
wasi_programs() {
  local target=$1 config dir="target/$1-programs"
  ensure_target "$target"
  rm -rf "$dir"
  mkdir -p "$dir"
  WASI_PROGRAMS=()
  WASI_CONTROLS=()
  local controls
  controls="$(configs list --controls one-thread)"
  for config in $(configs list --suite wasi) $controls; do
    ZEPTO_CONFIG="$config" cargo build --locked --quiet --package zepto_alloc_wasi_tests \
      --target "$target" --profile test --bin configuration
    cp "target/$target/debug/configuration.wasm" "$dir/$config.wasm"
    if grep -qx "$config" <<<"$controls"; then
      WASI_CONTROLS+=("$dir/$config.wasm")
    else
      WASI_PROGRAMS+=("$dir/$config.wasm")
    fi
  done
  # CheckedAllocator as a program hunting a heap bug uses it: reports on stderr.
  cargo build --locked --quiet --package zepto_alloc_wasi_tests --target "$target" \
    --profile test --bin checked
  cp "target/$target/debug/checked.wasm" "$dir/checked-example.wasm"
  WASI_PROGRAMS+=("$dir/checked-example.wasm")
}

# The real-threads programs (tests/wasi-threads) in target/wasi-threads/: each configuration of
# the suite and each control that races. Sets THREADS_PROGRAMS and THREADS_CONTROLS.
threads_programs() {
  local config dir=target/wasi-threads
  ensure_target wasm32-wasip1-threads
  mkdir -p "$dir"
  THREADS_PROGRAMS=()
  THREADS_CONTROLS=()
  local controls
  controls="$(configs list --controls threads)"
  for config in $(configs list --suite wasi-threads) $controls; do
    ZEPTO_CONFIG="$config" cargo build --locked --quiet \
      --package zepto_alloc_wasi_threads_tests --target wasm32-wasip1-threads --profile test \
      --bin configuration
    cp target/wasm32-wasip1-threads/debug/configuration.wasm "$dir/$config.wasm"
    if grep -qx "$config" <<<"$controls"; then
      THREADS_CONTROLS+=("$dir/$config.wasm")
    else
      THREADS_PROGRAMS+=("$dir/$config.wasm")
    fi
  done
}

# The names of programs built by wasi_programs or threads_programs (for the marks).
names() {
  local path
  for path in "$@"; do
    path="$(basename "$path" .wasm)"
    [ "$path" = checked-example ] || echo "$path"
  done
}

TIMES=()
for s in "${STEPS[@]}"; do
  started=$SECONDS
  case "$s" in
    lint)
      ensure_toolchain
      step "cargo fmt --check"
      cargo fmt --all --check
      step "cargo clippy -D warnings"
      cargo clippy --locked --workspace --all-targets -- -D warnings
      step "cargo clippy -D warnings: example/ for wasm, each configuration and control"
      ensure_target wasm32v1-none
      ensure_target wasm32-wasip1
      ensure_target wasm32-wasip1-threads
      for config in $(configs list --all); do
        for target in wasm32-unknown-unknown wasm32v1-none; do
          ZEPTO_CONFIG="$config" cargo clippy --locked --quiet --package zepto_alloc_example \
            --target "$target" --features full -- -D warnings
        done
      done
      step "cargo clippy -D warnings: the wasm, WASI and real-threads programs, each configuration"
      for config in $(configs list --suite wasm); do
        ZEPTO_CONFIG="$config" cargo clippy --locked --quiet --package zepto_alloc_wasm_tests \
          --target wasm32-unknown-unknown --tests -- -D warnings
      done
      for config in $(configs list --suite wasi) $(configs list --controls one-thread); do
        ZEPTO_CONFIG="$config" cargo clippy --locked --quiet --package zepto_alloc_wasi_tests \
          --target wasm32-wasip1 --bins -- -D warnings
      done
      # wasm32-wasip2 differs from wasm32-wasip1 only in code that no configuration changes: one.
      ensure_target wasm32-wasip2
      ZEPTO_CONFIG="$(configs list --suite wasi | head -1)" cargo clippy --locked --quiet \
        --package zepto_alloc_wasi_tests --target wasm32-wasip2 --bins -- -D warnings
      for config in $(configs list --suite wasi-threads) $(configs list --controls threads); do
        ZEPTO_CONFIG="$config" cargo clippy --locked --quiet \
          --package zepto_alloc_wasi_threads_tests --target wasm32-wasip1-threads --bins \
          -- -D warnings
      done
      step "rustdoc for wasm32, warnings as errors"
      RUSTDOCFLAGS="-D warnings" cargo doc --locked --quiet --no-deps --package zepto_alloc \
        --target wasm32-unknown-unknown
      ;;
    host)
      ensure_toolchain
      ensure_wasm_opt
      ensure_twiggy
      step "host tests"
      rm -rf "$ZEPTO_COVERAGE"
      cargo test --locked --workspace
      covered shadow-model fuzz-body host-threads out-of-memory regressions
      # The host tests build the crate at opt-level 2, where BinnedAllocator splits a free block
      # without relinking it when the rest stays in its bin; at "s" and "z" it does not. Its
      # shadow model again, built at "z", alone and in every configuration that uses it.
      step "host tests: BinnedAllocator's shadow model built at opt-level \"z\""
      binned="$(configs list | grep binned | paste -sd, -)"
      ZEPTO_CONFIG="$binned" CARGO_PROFILE_TEST_OPT_LEVEL=z cargo test --locked \
        --package zepto_alloc --test shadow_model -- binned_allocator every_configuration
      ;;
    wasm)
      ensure_toolchain
      ensure_wasm_bindgen
      step "tests in wasm under Node (wasm-bindgen-test): each configuration, then the other binaries"
      wasm_tests wasm
      ;;
    browser)
      ensure_toolchain
      ensure_wasm_bindgen
      ensure_chromium
      step "tests in wasm in headless Chromium (wasm-bindgen-test over WebDriver)"
      WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER="$(command -v chromedriver)" wasm_tests browser
      ;;
    matrix)
      ensure_target wasm32v1-none
      ensure_target wasm32-wasip1
      ensure_target wasm32-wasip1-threads
      step "what ships: each configuration's full probe, optimised at \"z\", \"s\", 2 and 3, for four targets: trap scan, then driven from Node"
      rm -rf "$ZEPTO_COVERAGE/matrix" "$ZEPTO_COVERAGE/matrix-threads"
      modules=()
      traps=()
      races=()
      declare -A ran=()
      mapfile -t controls < <(configs list --controls threads)
      for target in wasm32-unknown-unknown wasm32v1-none wasm32-wasip1 wasm32-wasip1-threads; do
        # A 64 MiB maximum, so that running out of memory is quick; on the threads target, the
        # stack pointer exported so that each thread of the driver gets a stack of its own, and
        # only the configurations that can run there (AssumeSingleThreaded is refused at compile
        # time where threads can run).
        flags="-C link-arg=--max-memory=67108864"
        suite=matrix
        if [ "$target" = wasm32-wasip1-threads ]; then
          flags="$flags -C link-arg=--export=__stack_pointer"
          suite=matrix-threads
        fi
        for level in z s 2 3; do
          dir="target/matrix/$target-$level"
          mkdir -p "$dir/modules"
          # Negative controls, at "z": lol_alloc's LockedAllocator<LeakingAllocator> has the trap
          # ours had (its dealloc is a lone `unreachable`), which the scan and the driver must
          # find; the list's controls (free-unlocked: FreeListAllocator without a lock) must fail
          # the driver's threads.
          extra=()
          [ "$level" = z ] && extra=(lol-leak-locked)
          [ "$level" = z ] && [ "$suite" = matrix-threads ] && extra+=("${controls[@]}")
          for config in $(configs list --suite "$suite") "${extra[@]}"; do
            features=full
            [ "$config" = lol-leak-locked ] && features=full,lol
            RUSTFLAGS="$flags" CARGO_PROFILE_SIZE_OPT_LEVEL="$level" ZEPTO_CONFIG="$config" \
              cargo build --locked --quiet --package zepto_alloc_example --target "$target" \
              --profile size --features "$features" --target-dir "$dir"
            module="$dir/modules/$config.wasm"
            cp "$dir/$target/size/zepto_alloc_example.wasm" "$module"
            if [ "$config" = lol-leak-locked ]; then
              traps+=("$target/$level/$config=$module")
            elif printf '%s\n' "${controls[@]}" | grep -qx "$config"; then
              races+=("$target/$level/$config=$module")
            else
              modules+=("$target/$level/$config=$module")
              ran[$suite]+=" $config"
            fi
          done
        done
      done
      configs json > target/matrix/configurations.json
      cargo run --locked --quiet --release --package size-gate -- --scan "${modules[@]}" \
        "${races[@]}" --expect-traps "${traps[@]}"
      rm -rf target/matrix/tapes
      node tests/matrix/run.mjs --configurations target/matrix/configurations.json \
        --tape target/matrix/tapes "${modules[@]}" --expect-failure "${traps[@]}" "${races[@]}"
      for suite in "${!ran[@]}"; do
        # shellcheck disable=SC2086 # a list of names
        configs mark "$suite" ${ran[$suite]}
      done
      ensure_wasmtime
      step "the same modules under wasmtime $WASMTIME_PY_VERSION: Node's calls replayed, the same results and memory"
      "$WASMTIME_PYTHON" tests/matrix/replay.py target/matrix/tapes "${modules[@]}" \
        --expect-failure "${traps[@]}"
      # shellcheck disable=SC2046 # a list of names
      configs mark matrix-wasmtime $(printf '%s\n' "${modules[@]}" | cut -d= -f1 | cut -d/ -f3 | sort -u)
      covered matrix matrix-threads matrix-wasmtime
      ;;
    threads)
      ensure_target wasm32-wasip1-threads
      step "LockedAllocator shared by four wasm threads (wasm32-wasip1-threads under Node worker_threads)"
      rm -rf "$ZEPTO_COVERAGE/wasi-threads"
      threads_programs
      node tests/wasi-threads/run.mjs "${THREADS_PROGRAMS[@]}" --expect-failure "${THREADS_CONTROLS[@]}"
      step "The same, with every thread's view of memory kept stale (V8 --no-wasm-stack-checks)"
      node --no-wasm-stack-checks tests/wasi-threads/stale-view.mjs
      node tests/wasi-threads/run.mjs --stale-views "${THREADS_PROGRAMS[@]}"
      ensure_chromium
      step "The same in headless Chromium (the programs' threads in Web Workers), also with stale views"
      node tests/wasi-threads/browser.mjs --engine-check "${THREADS_PROGRAMS[@]}" \
        --expect-failure "${THREADS_CONTROLS[@]}"
      node tests/wasi-threads/browser.mjs --stale-views --engine-check "${THREADS_PROGRAMS[@]}"
      # shellcheck disable=SC2046 # a list of names
      configs mark wasi-threads $(names "${THREADS_PROGRAMS[@]}")
      covered wasi-threads
      step "AssumeSingleThreaded is refused at compile time in a build with threads"
      if refused="$(cargo build --locked --quiet --package zepto_alloc_wasi_threads_tests \
        --target wasm32-wasip1-threads --profile test --bin refused --features refused 2>&1)"; then
        echo "AssumeSingleThreaded compiled in a build with threads" >&2
        exit 1
      fi
      grep -q "AssumeSingleThreaded in a wasm build with the \`atomics\` feature" <<<"$refused" || {
        echo "the build failed, but not with AssumeSingleThreaded's error:" >&2
        echo "$refused" >&2
        exit 1
      }
      step "The same where atomics come from -C target-cpu=bleeding-edge (wasm32-unknown-unknown)"
      ensure_wasm_opt # wasm-dis
      bleeding=(--locked --quiet --package zepto_alloc_example --target wasm32-unknown-unknown
        --profile size --target-dir target/bleeding-edge)
      if refused="$(RUSTFLAGS="-C target-cpu=bleeding-edge" ZEPTO_CONFIG=leak \
        cargo build "${bleeding[@]}" --features full 2>&1)"; then
        echo "AssumeSingleThreaded compiled with -C target-cpu=bleeding-edge" >&2
        exit 1
      fi
      grep -q "AssumeSingleThreaded in a wasm build with the \`atomics\` feature" <<<"$refused" || {
        echo "the build failed, but not with AssumeSingleThreaded's error:" >&2
        echo "$refused" >&2
        exit 1
      }
      # LockedAllocator's view refresh (memory.size, src/memory_view.rs) is there with the flag
      # and not without.
      module=target/bleeding-edge/wasm32-unknown-unknown/size/zepto_alloc_example.wasm
      for flags in "-C target-cpu=bleeding-edge" ""; do
        RUSTFLAGS="$flags" ZEPTO_CONFIG=leak-locked cargo build "${bleeding[@]}" --features full
        sizes="$(wasm-dis "$module" | grep -c 'memory.size' || true)"
        if [ -n "$flags" ] && [ "$sizes" = 0 ] || [ -z "$flags" ] && [ "$sizes" != 0 ]; then
          echo "LockedAllocator's view refresh: $sizes memory.size with RUSTFLAGS='$flags'" >&2
          exit 1
        fi
      done
      ;;
    wasi)
      step "wasm32-wasip1 programs next to wasi-libc's malloc, under Node's WASI"
      rm -rf "$ZEPTO_COVERAGE/wasi"
      wasi_programs wasm32-wasip1
      # --single-threaded-gc: Node 20's WASI segfaults now and then (2 to 5 runs in 8 here) after
      # a program grew memory in many steps, even with std's own allocator and no crate of ours;
      # with the garbage collector on one thread it ran clean in every try.
      node --no-warnings --single-threaded-gc tests/wasi/run.mjs "${WASI_PROGRAMS[@]}" \
        --expect-failure "${WASI_CONTROLS[@]}"
      # shellcheck disable=SC2046 # a list of names
      configs mark wasi $(names "${WASI_PROGRAMS[@]}")
      covered wasi
      ;;
    firefox)
      ensure_wasm_bindgen
      ensure_firefox
      step "tests in wasm in headless Firefox (wasm-bindgen-test over geckodriver $GECKODRIVER_VERSION)"
      firefox --version
      WASM_BINDGEN_USE_BROWSER=1 GECKODRIVER="$GECKODRIVER_BIN" wasm_tests firefox
      WASM_BINDGEN_USE_BROWSER=1 GECKODRIVER="$GECKODRIVER_BIN" wasm_controls firefox
      step "LockedAllocator shared by four wasm threads in Firefox's Web Workers, and the engine check"
      rm -rf "$ZEPTO_COVERAGE/firefox-threads"
      threads_programs
      GECKODRIVER="$GECKODRIVER_BIN" node tests/wasi-threads/browser.mjs --firefox --engine-check "${THREADS_PROGRAMS[@]}" \
        --expect-failure "${THREADS_CONTROLS[@]}"
      # shellcheck disable=SC2046 # a list of names
      configs mark firefox-threads $(names "${THREADS_PROGRAMS[@]}")
      covered firefox-threads
      ;;
    wasmtime)
      ensure_wasmtime
      step "wasm32-wasip1 programs next to wasi-libc's malloc, under wasmtime $WASMTIME_PY_VERSION and its WASI"
      rm -rf "$ZEPTO_COVERAGE/wasmtime" "$ZEPTO_COVERAGE/wasmtime-threads" "$ZEPTO_COVERAGE/wasip2"
      wasi_programs wasm32-wasip1
      "$WASMTIME_PYTHON" tests/wasi/run.py "${WASI_PROGRAMS[@]}" --expect-failure "${WASI_CONTROLS[@]}"
      # shellcheck disable=SC2046 # a list of names
      configs mark wasmtime $(names "${WASI_PROGRAMS[@]}")
      step "wasm32-wasip2 programs (WASI 0.2 components), the same work, under wasmtime $WASMTIME_PY_VERSION and its WASI 0.2"
      wasi_programs wasm32-wasip2
      "$WASMTIME_PYTHON" tests/wasi/run.py "${WASI_PROGRAMS[@]}" --expect-failure "${WASI_CONTROLS[@]}"
      # shellcheck disable=SC2046 # a list of names
      configs mark wasip2 $(names "${WASI_PROGRAMS[@]}")
      step "the wasm32-wasip2 defect those programs leave out is still there (ci/repro/wasip2-cabi-realloc)"
      repro=(--locked --quiet --manifest-path ci/repro/wasip2-cabi-realloc/Cargo.toml --release
        --target wasm32-wasip2 --target-dir target/repro-wasip2)
      built=target/repro-wasip2/wasm32-wasip2/release/wasip2-cabi-realloc.wasm
      cargo build "${repro[@]}"
      cp "$built" target/repro-wasip2/std-default-allocator.wasm
      cargo build "${repro[@]}" --features bump
      cp "$built" target/repro-wasip2/bump-allocator.wasm
      "$WASMTIME_PYTHON" tests/wasi/run.py target/repro-wasip2/std-default-allocator.wasm \
        --expect-failure target/repro-wasip2/bump-allocator.wasm || {
        echo "If bump-allocator.wasm passed, the defect is fixed in this toolchain: put the" \
          "environment and the file system back into tests/wasi's wasm32-wasip2 program." >&2
        exit 1
      }
      step "LockedAllocator shared by four wasm threads under wasmtime $WASMTIME_PY_VERSION (wasm32-wasip1-threads)"
      threads_programs
      "$WASMTIME_PYTHON" tests/wasi-threads/run.py "${THREADS_PROGRAMS[@]}" \
        --expect-failure "${THREADS_CONTROLS[@]}"
      # shellcheck disable=SC2046 # a list of names
      configs mark wasmtime-threads $(names "${THREADS_PROGRAMS[@]}")
      covered wasmtime wasip2 wasmtime-threads
      ;;
    miri)
      ensure_miri
      # Miri interprets on one core: two halves at once, each in a target folder of its own (a
      # cargo command holds its folder's lock while its tests run). One half is the shadow
      # model; the other every other test (the library's, the other files in tests/, the
      # doctests), then the shadow model of the freeing allocators under Tree Borrows (the
      # aliasing model matters where blocks link to each other).
      step "Miri (strict provenance, Stacked Borrows), and Tree Borrows for the freeing allocators' shadow model"
      cargo +nightly miri setup
      others=(--lib)
      for file in tests/*.rs; do
        name="$(basename "$file" .rs)"
        [ "$name" = shadow_model ] || others+=(--test "$name")
      done
      export MIRIFLAGS="-Zmiri-strict-provenance"
      miri=(cargo +nightly miri test --locked --package zepto_alloc)
      "${miri[@]}" --target-dir target/miri-shadow --test shadow_model > target/miri-shadow.log 2>&1 &
      shadow=$!
      "${miri[@]}" --target-dir target/miri-others "${others[@]}"
      "${miri[@]}" --target-dir target/miri-others --doc
      MIRIFLAGS="-Zmiri-strict-provenance -Zmiri-tree-borrows" "${miri[@]}" \
        --target-dir target/miri-others --test shadow_model -- \
        free_list_allocator_matches_the_model binned_allocator_matches_the_model
      if ! wait "$shadow"; then
        cat target/miri-shadow.log >&2
        echo "Miri: the shadow model (Stacked Borrows) failed" >&2
        exit 1
      fi
      cat target/miri-shadow.log
      unset MIRIFLAGS
      ;;
    fuzz)
      ensure_miri # nightly
      ensure_cargo_fuzz
      step "the fuzz target builds (nightly; run it with cargo +nightly fuzz run, see README)"
      rm -rf "$ZEPTO_COVERAGE/fuzz"
      (cd fuzz && cargo +nightly fuzz build)
      # One target covers every configuration of the list (its first input byte picks one).
      configs mark fuzz "${CONFIGS[@]}"
      covered fuzz
      ;;
    package)
      ensure_toolchain
      step "cargo package and cargo publish --dry-run"
      cargo package --locked --quiet --package zepto_alloc
      cargo publish --locked --dry-run --package zepto_alloc
      ;;
    msrv)
      ensure_msrv
      step "the crate builds with Rust $MSRV (its rust-version), for wasm32 and the host"
      cargo "+$MSRV" check --quiet --package zepto_alloc --lib --target wasm32-unknown-unknown
      cargo "+$MSRV" check --quiet --package zepto_alloc --lib
      ;;
    *)
      echo "ci/test.sh: unknown step '$s' (steps: ${ALL[*]})" >&2
      exit 2
      ;;
  esac
  TIMES+=("$s $((SECONDS - started)) s")
done
step "passed: ${STEPS[*]} (${TIMES[*]/%/,} $SECONDS s in all)"
