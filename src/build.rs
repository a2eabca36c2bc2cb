//! The crate's build script (named in Cargo.toml's `build`). It sets two cfgs:
//!
//! - `zepto_wasm_threads` for wasm builds that can run threads (the `atomics` target feature),
//!   where `AssumeSingleThreaded::new` is refused at compile time and `LockedAllocator` keeps
//!   each thread's view of memory up to date. Stable rustc does not expose
//!   `cfg(target_feature = "atomics")` (the feature is unstable), and cargo's
//!   `CARGO_CFG_TARGET_FEATURE` leaves it out for the same reason, so the script asks rustc itself
//!   which features this build has: `rustc --print cfg` for the target with the build's flags,
//!   which lists unstable features too when `RUSTC_BOOTSTRAP=1` (a query; nothing is compiled that
//!   way). That sees the feature however it is enabled: the `wasm32-wasip1-threads` target,
//!   `-C target-feature=+atomics`, `-C target-cpu=bleeding-edge`, and whatever a later target or
//!   CPU brings. Should the query fail, the script falls back to the target name and the flags.
//! - `zepto_speed` when the crate is built with opt-level 2 or 3: the binned allocator's helpers
//!   are then inlined into its entry points, and a split that leaves a block of the same bin
//!   keeps it in the list without relinking, for speed, where at "s" and "z" the helpers stay
//!   out of line and splits relink, for size. The size gate measures the "z" build.

use std::env;
use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(zepto_wasm_threads)");
    println!("cargo::rustc-check-cfg=cfg(zepto_speed)");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let var = |name: &str| env::var(name).unwrap_or_default();
    let wasm = var("CARGO_CFG_TARGET_FAMILY")
        .split(',')
        .any(|f| f == "wasm");
    if wasm && atomics(&var("TARGET"), &var("CARGO_ENCODED_RUSTFLAGS")) {
        println!("cargo::rustc-cfg=zepto_wasm_threads");
    }
    if matches!(var("OPT_LEVEL").as_str(), "2" | "3") {
        println!("cargo::rustc-cfg=zepto_speed");
    }
}

/// Whether code for `target` built with `flags` (`\x1f`-separated) has the `atomics` feature.
fn atomics(target: &str, flags: &str) -> bool {
    let flags: Vec<&str> = flags.split('\x1f').filter(|f| !f.is_empty()).collect();
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let query = Command::new(rustc)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["--print", "cfg", "--target", target])
        .args(&flags)
        .output();
    match query {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|line| line == "target_feature=\"atomics\""),
        _ => {
            println!(
                "cargo::warning=zepto_alloc: could not ask rustc for the target features; \
                 guessing `atomics` from the target and flags"
            );
            target.ends_with("-threads")
                || flags
                    .iter()
                    .any(|f| f.contains("+atomics") || f.contains("target-cpu=bleeding-edge"))
        }
    }
}
