//! Instruction counts, the benchmark's `--instructions` mode: what a run executes, counted rather
//! than timed, so the effect of a change can be read on a busy machine. Each workload runs once
//! in a fresh instance under wasmtime with fuel metering (`ci/bench/fuel.py`): the count is the
//! wasm operators the call executed (wasmtime's fuel: about one unit per operator, a few
//! structural ones free), exact and the same on every run and machine for a given module and
//! wasmtime version. It counts the module's own code, not what an engine makes of it: V8 inlines
//! small functions and keeps values in registers, so a call or a load costs it less than the
//! count says; read it beside the times.
//!
//! Reported per run for a whole program and per allocator call (divided by the run's calls) for
//! the rest.

use crate::Workload;
use std::path::Path;
use std::process::Command;

/// Wasm instructions executed by `export(args)` on the module at `module`, once, and the
/// allocator calls it made. `python` is the interpreter with the `wasmtime` package.
fn count(
    root: &Path,
    python: &str,
    module: &Path,
    export: &str,
    args: &[u32],
) -> Result<(u64, u64), String> {
    let output = Command::new(python)
        .arg(root.join("ci/bench/fuel.py"))
        .arg(module)
        .arg(export)
        .args(args.iter().map(u32::to_string))
        .output()
        .map_err(|e| format!("cannot run {python} (ci/bench.sh installs wasmtime): {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "fuel.py {export}{args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let field = |name: &str| -> Result<u64, String> {
        stdout
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|n| n.trim().parse().ok())
            .ok_or_else(|| format!("fuel.py printed no `{}`: {}", name.trim(), stdout.trim()))
    };
    Ok((field("instructions ")?, field("calls ")?))
}

/// The engine that counts, for the report: wasmtime's version as its Python package has it.
pub fn engine() -> String {
    let version = std::env::var("WASMTIME_PYTHON").ok().and_then(|python| {
        let out = Command::new(python)
            .args([
                "-c",
                "import importlib.metadata as m; print(m.version('wasmtime'))",
            ])
            .output()
            .ok()?;
        Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
    });
    format!(
        "wasmtime {} (fuel)",
        version.unwrap_or_else(|| "unknown".into())
    )
}

/// One run of `workload` on `module`: its instructions and allocator calls.
pub fn per_run(root: &Path, module: &Path, workload: &Workload) -> Result<(u64, u64), String> {
    let python = std::env::var("WASMTIME_PYTHON")
        .map_err(|_| "WASMTIME_PYTHON is not set: run the benchmark through ci/bench.sh")?;
    count(root, &python, module, workload.export, &workload.args)
}

/// The report of `--instructions` for one level: for each group of workloads, instructions per
/// run (whole programs) or per allocator call, and in parentheses the baseline's count over this
/// allocator's (higher is fewer).
pub fn markdown(
    counts: &std::collections::BTreeMap<(&str, &str), (u64, u64)>,
    allocators: &[&str],
    groups: &[crate::stats::Group<'_>],
    baseline: &str,
) -> String {
    let mut out = String::from(
        "Wasm instructions executed in one run (wasmtime's fuel, `ci/bench/fuel.py`), and in \
         parentheses std's default allocator's count over this one's (higher is fewer).\n",
    );
    for group in groups {
        let unit = if group.whole {
            "millions per run"
        } else {
            "per allocator call"
        };
        out.push_str(&format!(
            "\n**{}**, {unit}:\n\n| allocator |",
            group.heading
        ));
        for w in &group.workloads {
            out.push_str(&format!(" {w} |"));
        }
        out.push_str("\n|---|");
        out.push_str(&"--:|".repeat(group.workloads.len()));
        out.push('\n');
        for a in allocators {
            out.push_str(&format!("| {a} |"));
            for w in &group.workloads {
                let figure = |name: &str| {
                    let (instructions, calls) = counts[&(name, *w)];
                    if group.whole {
                        instructions as f64 / 1e6
                    } else {
                        instructions as f64 / calls.max(1) as f64
                    }
                };
                let mine = figure(a);
                let ratio = figure(baseline) / mine.max(f64::MIN_POSITIVE);
                let digits = if group.whole { 2 } else { 0 };
                out.push_str(&format!(" {mine:.digits$} ({ratio:.2}×) |"));
            }
            out.push('\n');
        }
    }
    out
}
