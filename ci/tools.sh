# Sourced by the ci/ scripts: makes the pinned tools available, installing only what is missing.
# Installs go under target/tools/ (npm, cargo install --root, a Python venv), never into the
# system; but for the browsers, from Debian's archive, and geckodriver, which takes minutes to
# compile and so is kept in a cache outside the clone ($ZEPTO_CACHE, by default
# ~/.cache/zepto_alloc, in a folder named by its version) for the next run on the same machine.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/target/tools"
CACHE="${ZEPTO_CACHE:-$HOME/.cache/zepto_alloc}"
TOOLCHAIN="$(sed -n 's/^channel = "\(.*\)"/\1/p' "$ROOT/rust-toolchain.toml")"
BINARYEN_VERSION=132
TWIGGY_VERSION=0.8.0

note() { echo "tools: $*" >&2; }

# The pinned stable toolchain with the wasm target, rustfmt and clippy.
ensure_toolchain() {
  if ! rustup target list --installed --toolchain "$TOOLCHAIN" 2>/dev/null | grep -qx wasm32-unknown-unknown \
    || ! rustup component list --installed --toolchain "$TOOLCHAIN" 2>/dev/null | grep -q '^clippy' \
    || ! rustup component list --installed --toolchain "$TOOLCHAIN" 2>/dev/null | grep -q '^rustfmt'; then
    note "installing Rust $TOOLCHAIN with wasm32-unknown-unknown, rustfmt, clippy"
    rustup toolchain install "$TOOLCHAIN" --profile minimal --component rustfmt,clippy \
      --target wasm32-unknown-unknown
  fi
}

# An extra target for the pinned toolchain: wasm32v1-none (the size gate and the probes),
# wasm32-wasip1 (tests/wasi) or wasm32-wasip1-threads (tests/wasi-threads).
ensure_target() {
  ensure_toolchain
  if ! rustup target list --installed --toolchain "$TOOLCHAIN" 2>/dev/null | grep -qx "$1"; then
    note "installing the $1 target for Rust $TOOLCHAIN"
    rustup target add --toolchain "$TOOLCHAIN" "$1"
  fi
}

# Headless Chromium and its WebDriver, Debian's `chromium` and `chromium-driver` (about 20 s).
# Not pinned to a version: Debian's archive serves only the current build of a package, so a pin
# would break at its next security update; the wasm-bindgen runner works with any recent Chrome.
# A chromedriver already there (GitHub's runners have one, with Chrome, in $CHROMEWEBDRIVER) is
# used as it is.
ensure_chromium() {
  if [ -n "${CHROMEWEBDRIVER:-}" ] && [ -x "$CHROMEWEBDRIVER/chromedriver" ]; then
    export PATH="$CHROMEWEBDRIVER:$PATH"
  fi
  if ! command -v chromedriver >/dev/null; then
    note "installing chromium and chromium-driver with apt-get"
    apt_install chromium chromium-driver
  fi
}

# Debian's `apt-get install`, as root or through sudo.
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# Headless Firefox, Debian's `firefox-esr` (140 ESR; about a minute), not pinned for the reason
# given for Chromium; and geckodriver, its WebDriver, pinned, compiled once into the cache (about
# two minutes). Sets GECKODRIVER_BIN (not exported: with GECKODRIVER in its environment,
# wasm-bindgen's runner would pick Firefox in the Chromium step too).
GECKODRIVER_VERSION=0.37.1
ensure_firefox() {
  if ! command -v firefox >/dev/null; then
    note "installing firefox-esr with apt-get"
    apt_install firefox-esr
  fi
  local dir="$CACHE/geckodriver-$GECKODRIVER_VERSION"
  if ! "$dir/bin/geckodriver" --version 2>/dev/null | grep -q "^geckodriver $GECKODRIVER_VERSION"; then
    note "installing geckodriver $GECKODRIVER_VERSION with cargo into $dir (about two minutes)"
    cargo install --quiet --locked --root "$dir" geckodriver --version "$GECKODRIVER_VERSION"
  fi
  GECKODRIVER_BIN="$dir/bin/geckodriver"
}

# wasmtime's engine, from the `wasmtime` PyPI package (prebuilt; seconds), in a venv of its own.
# Exports WASMTIME_PYTHON, the venv's python.
WASMTIME_PY_VERSION=51.0.0
ensure_wasmtime() {
  local dir="$TOOLS/wasmtime-$WASMTIME_PY_VERSION"
  if ! "$dir/bin/python" -c "import importlib.metadata as m; assert m.version('wasmtime') == '$WASMTIME_PY_VERSION'" 2>/dev/null; then
    note "installing wasmtime $WASMTIME_PY_VERSION (PyPI) in a venv"
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check "wasmtime==$WASMTIME_PY_VERSION"
  fi
  export WASMTIME_PYTHON="$dir/bin/python"
}

# Nightly with Miri (and rust-src, which Miri builds its sysroot from).
ensure_miri() {
  if ! rustup component list --installed --toolchain nightly 2>/dev/null | grep -q '^miri'; then
    note "installing Miri on nightly"
    rustup toolchain install nightly --profile minimal --component miri,rust-src
  fi
  if ! rustup component list --installed --toolchain nightly 2>/dev/null | grep -q '^rust-src'; then
    rustup component add --toolchain nightly rust-src
  fi
}

# binaryen's wasm-opt, from npm (seconds; `cargo install wasm-opt` compiles C++ for minutes).
ensure_wasm_opt() {
  local dir="$TOOLS/binaryen-$BINARYEN_VERSION"
  if ! wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION "; then
    if ! "$dir/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION "; then
      note "installing binaryen $BINARYEN_VERSION (wasm-opt) with npm"
      mkdir -p "$dir"
      npm install --prefix "$dir" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
    fi
    export PATH="$dir/node_modules/.bin:$PATH"
  fi
}

ensure_twiggy() {
  if ! twiggy --version 2>/dev/null | grep -q "$TWIGGY_VERSION"; then
    if ! "$TOOLS/cargo/bin/twiggy" --version 2>/dev/null | grep -q "$TWIGGY_VERSION"; then
      note "installing twiggy $TWIGGY_VERSION with cargo (about a minute)"
      cargo install --quiet --locked --root "$TOOLS/cargo" twiggy --version "$TWIGGY_VERSION"
    fi
    export PATH="$TOOLS/cargo/bin:$PATH"
  fi
}

# wasm-bindgen's test runner, at exactly the wasm-bindgen version in Cargo.lock (the runner and
# the library must match). Not `--locked`: that fails to resolve for 0.2.130.
ensure_wasm_bindgen() {
  local version
  version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print }' "$ROOT/Cargo.lock")"
  if ! wasm-bindgen-test-runner --version 2>/dev/null | grep -qx "wasm-bindgen-test-runner $version"; then
    if ! "$TOOLS/cargo/bin/wasm-bindgen-test-runner" --version 2>/dev/null | grep -qx "wasm-bindgen-test-runner $version"; then
      note "installing wasm-bindgen-cli $version with cargo (about two minutes)"
      cargo install --quiet --root "$TOOLS/cargo" wasm-bindgen-cli --version "$version"
    fi
    export PATH="$TOOLS/cargo/bin:$PATH"
  fi
}

CARGO_FUZZ_VERSION=0.13.2

# cargo-fuzz, to build the fuzz targets (with nightly).
ensure_cargo_fuzz() {
  if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
    if ! "$TOOLS/cargo/bin/cargo-fuzz" --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
      note "installing cargo-fuzz $CARGO_FUZZ_VERSION with cargo"
      cargo install --quiet --locked --root "$TOOLS/cargo" cargo-fuzz --version "$CARGO_FUZZ_VERSION"
    fi
    export PATH="$TOOLS/cargo/bin:$PATH"
  fi
}

# The crate's minimum Rust (its `rust-version`), with the wasm target, to check it still builds.
MSRV="$(sed -n 's/^rust-version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml")"
ensure_msrv() {
  if ! rustup target list --installed --toolchain "$MSRV" 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    note "installing Rust $MSRV (the minimum version) with wasm32-unknown-unknown"
    rustup toolchain install "$MSRV" --profile minimal --target wasm32-unknown-unknown
  fi
}
