//! Building and measuring one module: cargo, then wasm-opt twice, then twiggy.
//!
//! One cargo build per configuration and probe, with the `size` profile (opt-level "z", fat LTO,
//! one codegen unit, panic=abort, symbol names kept). Then:
//!
//! - the named module: `wasm-opt -Oz` with everything but code, data and the `name` section
//!   stripped (DWARF, producers, target features), for twiggy;
//! - the gated module: the named one without its `name` section. That is byte-identical to
//!   `wasm-opt -Oz --strip-debug` (a unit test checks it) and to building with `strip = true`,
//!   and saves a second wasm-opt run, which from npm costs a second of start-up each.

use crate::configs::{Config, Probe, Target};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The features Rust 1.95's wasm32 target emits; wasm-opt refuses the module without them.
pub const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-nontrapping-float-to-int",
    "--enable-mutable-globals",
    "--enable-multivalue",
    "--enable-reference-types",
];

/// `wasm32v1-none` emits WebAssembly 1.0 (MVP plus mutable globals) only; wasm-opt must keep it
/// that way.
pub const WASM_V1_FEATURES: &[&str] = &["--mvp-features", "--enable-mutable-globals"];

/// The wasm-opt feature flags for `target`.
pub fn wasm_features(target: Target) -> &'static [&'static str] {
    match target {
        Target::Unknown => WASM_FEATURES,
        Target::V1None => WASM_V1_FEATURES,
    }
}

/// Where the tools are, and their versions.
pub struct Tools {
    pub wasm_opt: PathBuf,
    pub twiggy: PathBuf,
    pub rustc_version: String,
    pub wasm_opt_version: String,
    pub twiggy_version: String,
}

/// The versions the budgets were set with.
pub const WASM_OPT_VERSION: &str = "132";
pub const TWIGGY_VERSION: &str = "0.8.0";

impl Tools {
    /// Finds wasm-opt and twiggy (on `PATH`, or `WASM_OPT` / `TWIGGY`) and checks they are the
    /// pinned versions: figures are only reproducible with them.
    pub fn find(root: &Path) -> Result<Self, String> {
        let tool = |var: &str, name: &str| -> PathBuf {
            std::env::var_os(var).map_or_else(|| PathBuf::from(name), PathBuf::from)
        };
        let wasm_opt = tool("WASM_OPT", "wasm-opt");
        let twiggy = tool("TWIGGY", "twiggy");
        let hint = "ci/size-check.sh installs the pinned tools";
        let wasm_opt_version = output(Command::new(&wasm_opt).arg("--version"))
            .map_err(|e| format!("wasm-opt not found ({e}); {hint}"))?;
        if !wasm_opt_version.contains(&format!("version {WASM_OPT_VERSION}")) {
            return Err(format!(
                "need wasm-opt {WASM_OPT_VERSION}, found {wasm_opt_version}; {hint}"
            ));
        }
        let twiggy_version = output(Command::new(&twiggy).arg("--version"))
            .map_err(|e| format!("twiggy not found ({e}); {hint}"))?;
        if !twiggy_version.contains(TWIGGY_VERSION) {
            return Err(format!(
                "need twiggy {TWIGGY_VERSION}, found {twiggy_version}; {hint}"
            ));
        }
        let rustc_version = output(Command::new("rustc").arg("--version").current_dir(root))?;
        Ok(Self {
            wasm_opt,
            twiggy,
            rustc_version,
            wasm_opt_version,
            twiggy_version,
        })
    }
}

/// One measured module.
#[derive(Clone, Debug)]
pub struct Module {
    /// Bytes of the gated module (written to `<out>/<config>-<probe>.wasm`).
    pub bytes: u64,
    /// The same module with its names section, for twiggy.
    pub named: PathBuf,
}

/// Builds `config` with `probe` from the checkout at `source` and measures it, writing the
/// modules under `out`. Cargo builds in `<builds>/<config>-<probe>`: a `cdylib`'s file name has no
/// feature hash, so configurations sharing a target directory would rebuild each other every run.
/// Runs must not share `builds` concurrently.
pub fn measure(
    tools: &Tools,
    source: &Path,
    builds: &Path,
    out: &Path,
    config: &Config,
    probe: Probe,
) -> Result<Module, String> {
    let target_dir = builds.join(format!("{}-{}", config.name, probe.name()));
    let mut features: Vec<&str> = config.feature.into_iter().collect();
    if probe == Probe::Full {
        features.push("full");
    }
    // The rustup proxy, not `$CARGO`: the checkout's rust-toolchain.toml picks the compiler.
    let mut cargo = Command::new("cargo");
    cargo
        .current_dir(source)
        .args([
            "build",
            "--quiet",
            "--locked",
            "--target",
            config.target.triple(),
        ])
        .args([
            "--profile",
            "size",
            "--no-default-features",
            "--package",
            "zepto_alloc_example",
        ])
        .arg("--features")
        .arg(features.join(","))
        .arg("--target-dir")
        .arg(&target_dir)
        // The configuration, from the list (none: std's default allocator).
        .env(
            zepto_configs::generate::VARIABLE,
            config.select.unwrap_or(""),
        )
        // A cargo or rustup set up for the gate's own build must not leak into this one.
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO_TARGET_DIR");
    run(&mut cargo).map_err(|e| format!("building {}/{}: {e}", config.name, probe.name()))?;

    let stem = format!("{}-{}.wasm", config.name, probe.name());
    let built = target_dir
        .join(config.target.triple())
        .join("size/zepto_alloc_example.wasm");
    let raw = out.join("raw").join(&stem);
    let gated = out.join(&stem);
    let named = out.join("named").join(&stem);
    for dir in [raw.parent(), named.parent()].into_iter().flatten() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::copy(&built, &raw).map_err(|e| format!("{}: {e}", built.display()))?;
    run(Command::new(&tools.wasm_opt)
        .arg("-Oz")
        .args(wasm_features(config.target))
        .args([
            "-g",
            "--strip-dwarf",
            "--strip-producers",
            "--strip-target-features",
        ])
        .arg(&raw)
        .arg("-o")
        .arg(&named))?;
    let module = std::fs::read(&named).map_err(|e| format!("{}: {e}", named.display()))?;
    let stripped = without_names(&module)?;
    std::fs::write(&gated, &stripped).map_err(|e| format!("{}: {e}", gated.display()))?;
    Ok(Module {
        bytes: stripped.len() as u64,
        named,
    })
}

/// `twiggy top -n 15` of a named module.
pub fn twiggy_top(tools: &Tools, module: &Module) -> Result<String, String> {
    output(
        Command::new(&tools.twiggy)
            .args(["top", "-n", "15"])
            .arg(&module.named),
    )
}

/// `twiggy diff` from a baseline's named module to this one.
pub fn twiggy_diff(tools: &Tools, old: &Path, new: &Module) -> Result<String, String> {
    output(
        Command::new(&tools.twiggy)
            .args(["diff", "-n", "15"])
            .arg(old)
            .arg(&new.named),
    )
}

/// Every function whose name says it panics or formats: `panic`, `fmt` or `unwrap`.
pub fn panicking_functions(tools: &Tools, module: &Module) -> Result<Vec<String>, String> {
    let listing = output(
        Command::new(&tools.twiggy)
            .args(["top", "-n", "100000"])
            .arg(&module.named),
    )?;
    Ok(listing
        .lines()
        .filter_map(|line| line.rsplit('┊').next())
        .map(str::trim)
        .filter(|name| {
            let lower = name.to_lowercase();
            ["panic", "fmt", "unwrap"]
                .iter()
                .any(|word| lower.contains(word))
        })
        .map(String::from)
        .collect())
}

/// A wasm module without its `name` custom section (sections are copied byte for byte).
pub fn without_names(module: &[u8]) -> Result<Vec<u8>, String> {
    fn leb128(bytes: &[u8], at: &mut usize) -> Result<usize, String> {
        let (mut value, mut shift) = (0usize, 0);
        loop {
            let byte = *bytes.get(*at).ok_or("truncated wasm module")?;
            *at += 1;
            value |= usize::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
            shift += 7;
        }
    }
    if module.get(..4) != Some(b"\0asm") {
        return Err("not a wasm module".into());
    }
    let mut out = module[..8].to_vec();
    let mut at = 8;
    while at < module.len() {
        let start = at;
        let id = module[at];
        at += 1;
        let len = leb128(module, &mut at)?;
        let end = at
            .checked_add(len)
            .filter(|&e| e <= module.len())
            .ok_or("truncated section")?;
        let is_names = id == 0 && {
            let mut name_at = at;
            let name_len = leb128(module, &mut name_at)?;
            module.get(name_at..name_at + name_len) == Some(b"name")
        };
        if !is_names {
            out.extend_from_slice(&module[start..end]);
        }
        at = end;
    }
    Ok(out)
}

fn run(command: &mut Command) -> Result<(), String> {
    output(command).map(drop)
}

/// Runs a command; its stdout, or an error with its stderr.
pub fn output(command: &mut Command) -> Result<String, String> {
    let result = command
        .output()
        .map_err(|e| format!("cannot run {:?}: {e}", command.get_program()))?;
    if !result.status.success() {
        return Err(format!(
            "{:?} failed ({}): {}",
            command.get_program(),
            result.status,
            String::from_utf8_lossy(&result.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&result.stdout).trim().to_string())
}
