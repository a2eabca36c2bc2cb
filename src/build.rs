//! The crate's build script (named in Cargo.toml's `build`). It sets two cfgs:
//!
//! - `zepto_wasm_threads` for wasm builds that can run threads (the `atomics` target feature, as
//!   on `wasm32-wasip1-threads` or with `-C target-feature=+atomics`), where
//!   `AssumeSingleThreaded::new` is refused at compile time. Stable rustc does not expose
//!   `cfg(target_feature = "atomics")` (the feature is unstable), hence this.
//! - `zepto_speed` when the crate is built with opt-level 2 or 3: the binned allocator's helpers
//!   are then inlined into its entry points, and a split that leaves a block of the same bin
//!   keeps it in the list without relinking, for speed, where at "s" and "z" the helpers stay
//!   out of line and splits relink, for size. The size gate measures the "z" build.

use std::env;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(zepto_wasm_threads)");
    println!("cargo::rustc-check-cfg=cfg(zepto_speed)");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let var = |name: &str| env::var(name).unwrap_or_default();
    let wasm = var("CARGO_CFG_TARGET_FAMILY")
        .split(',')
        .any(|f| f == "wasm");
    let atomics = var("TARGET").ends_with("-threads")
        || var("CARGO_CFG_TARGET_FEATURE")
            .split(',')
            .any(|f| f == "atomics")
        || var("CARGO_ENCODED_RUSTFLAGS")
            .split('\x1f')
            .any(|flag| flag.contains("+atomics"));
    if wasm && atomics {
        println!("cargo::rustc-cfg=zepto_wasm_threads");
    }
    if matches!(var("OPT_LEVEL").as_str(), "2" | "3") {
        println!("cargo::rustc-cfg=zepto_speed");
    }
}
