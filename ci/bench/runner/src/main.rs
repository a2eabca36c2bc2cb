//! `bench`: builds `ci/bench/module` once per allocator, runs its workloads under Node
//! (`ci/bench/run.mjs`), and reports per allocator, each as a speed-up over std's default
//! allocator (dlmalloc) measured in the same run: the real programs of `ci/bench/programs` run
//! whole (milliseconds per run), the replays of their allocation traces and the synthetic
//! workloads (nanoseconds per allocator call); the heap efficiency (peak live bytes over linear
//! memory grown) and, for the programs, memory grown against std's; and the `full` probe size
//! from the size gate (`target/size/`, so run `ci/size-check.sh` first; `ci/bench.sh` does).
//!
//! Every module is built twice, with opt-level "z" (what size-conscious users ship) and with
//! opt-level 3, and each level is measured in a run of its own, every allocator built alike.
//!
//! Writes `target/bench-report.md` and `target/bench-chart-<profile>.svg` (size against speed,
//! one per level); with `--write-readme`, also the README's benchmark section and the charts in
//! `ci/bench/`. With `--instructions`, counts instead of timing (see `instructions.rs`) and
//! writes `target/bench-instructions.md`. `--allocators` limits the run to some of the list's
//! configurations and reference rows (std's default is always in: every ratio is against it).
//!
//! ```text
//! bench [--rounds N] [--quick] [--write-readme | --instructions] [--allocators CONFIG,...]
//! ```
//!
//! A benchmark, not a test: it never fails on speed. Speeds are noisy; compare the ratios.

mod chart;
mod instructions;
mod stats;

use stats::{Run, Summary};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// An allocator under test: its name in tables, the list's name (which `ZEPTO_CONFIG` selects and
/// the size gate measures), the module feature that brings in its crate.
struct Allocator {
    name: &'static str,
    config: &'static str,
    feature: Option<&'static str>,
    ours: bool,
}

/// The baseline every ratio is against: std's default allocator.
const BASELINE: &str = "dlmalloc (std)";

/// What the benchmark runs, from the list (size-budget.toml): the reference rows it names (std's
/// default first, the baseline), then ours in its `bench` suite (freeing, single-threaded), named
/// after their allocator and wrappers ("zepto Binned", "zepto Binned counted").
fn allocators() -> Result<Vec<Allocator>, String> {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let list = zepto_configs::List::load()?;
    let mut all: Vec<Allocator> = list
        .references
        .iter()
        .filter_map(|r| {
            Some(Allocator {
                name: leak(r.bench.clone()?),
                config: leak(r.name.clone()),
                feature: r.feature.clone().map(leak),
                ours: false,
            })
        })
        .collect();
    all.sort_by_key(|a| a.name != BASELINE);
    let bench = zepto_configs::suites::find("bench").ok_or("no bench suite")?;
    for config in list.ours().filter(|c| bench.runs(c)) {
        all.push(Allocator {
            name: leak(label(&config.recipe)),
            config: leak(config.name.clone()),
            feature: None,
            ours: true,
        });
    }
    if all.first().map(|a| a.name) != Some(BASELINE) {
        return Err(format!(
            "size-budget.toml: no reference row with bench = {BASELINE:?}"
        ));
    }
    Ok(all)
}

/// How the tables name one of ours: `zepto Binned`, and the wrappers that cost time after it
/// (`zepto Binned counted`); names are the rows' keys, so each configuration needs its own.
fn label(recipe: &zepto_configs::Recipe) -> String {
    let mut name = format!("zepto {}", recipe.allocator().trim_end_matches("Allocator"));
    for wrapper in recipe.wrappers().iter().rev() {
        match *wrapper {
            "AssumeSingleThreaded" => {}
            "CountingAllocator" => name.push_str(" counted"),
            "CheckedAllocator" => name.push_str(" checked"),
            other => {
                name.push(' ');
                name.push_str(other);
            }
        }
    }
    name
}

/// A way to build the modules: every allocator is built the same way for each, and each is a run
/// of its own, so ratios compare allocators built alike.
struct Level {
    /// The cargo profile (Cargo.toml).
    profile: &'static str,
    /// How tables and charts name it.
    label: &'static str,
    /// The README's chart for it.
    chart: &'static str,
}

/// opt-level "z", what the crate's users ship, then 3.
const LEVELS: &[Level] = &[
    Level {
        profile: "bench-wasm-z",
        label: "opt-level \"z\"",
        chart: "ci/bench/size-vs-speed-z.svg",
    },
    Level {
        profile: "bench-wasm",
        label: "opt-level 3",
        chart: "ci/bench/size-vs-speed.svg",
    },
];

/// A workload: its name, the module export and its arguments.
struct Workload {
    name: &'static str,
    export: &'static str,
    args: Vec<u32>,
}

fn workloads(quick: bool) -> Vec<Workload> {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let programs = zepto_bench_programs::PROGRAMS;
    // The real programs whole, then their traces replayed, then the synthetic workloads.
    let mut list: Vec<Workload> = programs
        .iter()
        .enumerate()
        .map(|(i, p)| Workload {
            name: p.name,
            export: "program",
            // Four times in one run, each from the heap the last left: 25 ms (json-markdown)
            // to 200 ms (regex) a run at "z", long enough to time.
            args: vec![i as u32, if quick { 1 } else { 4 }],
        })
        .collect();
    list.extend(programs.iter().enumerate().map(|(i, p)| Workload {
        name: leak(format!("{} (trace)", p.name)),
        export: "replay",
        args: vec![i as u32, if quick { 1 } else { 10 }],
    }));
    let steps = if quick { 20_000 } else { 400_000 };
    list.extend([100, 2_000, 10_000].into_iter().map(|n| Workload {
        name: match n {
            100 => "churn N=100",
            2_000 => "churn N=2,000",
            _ => "churn N=10,000",
        },
        export: "churn",
        args: vec![n, steps, 7],
    }));
    list.push(Workload {
        name: "realloc-heavy",
        export: "realloc_heavy",
        args: vec![if quick { 1 } else { 8 }, 7],
    });
    list
}

/// The report's groups of workloads, by the export that runs them.
fn groups(workloads: &[Workload]) -> Vec<stats::Group<'static>> {
    let of = |exports: &[&str]| -> Vec<&'static str> {
        workloads
            .iter()
            .filter(|w| exports.contains(&w.export))
            .map(|w| w.name)
            .collect()
    };
    vec![
        stats::Group {
            heading: "Real programs, whole",
            workloads: of(&["program"]),
            whole: true,
        },
        stats::Group {
            heading: "Their allocator calls, replayed from a trace",
            workloads: of(&["replay"]),
            whole: false,
        },
        stats::Group {
            heading: "Synthetic workloads",
            workloads: of(&["churn", "realloc_heavy"]),
            whole: false,
        },
    ]
}

fn main() {
    if let Err(error) = bench() {
        eprintln!("bench: {error}");
        std::process::exit(2);
    }
}

fn bench() -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../..")
        .canonicalize()
        .map_err(|e| format!("cannot find the repository root: {e}"))?;
    let mut rounds = 5;
    let mut quick = false;
    let mut write_readme = false;
    let mut count_instructions = false;
    let mut only: Option<Vec<String>> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--rounds needs a number")?;
            }
            "--quick" => quick = true,
            "--write-readme" => write_readme = true,
            "--instructions" => count_instructions = true,
            "--allocators" => {
                let names = args
                    .next()
                    .ok_or("--allocators needs a list: std,talc,binned")?;
                only = Some(names.split(',').map(str::to_string).collect());
            }
            other => {
                return Err(format!(
                    "unknown argument {other:?}; usage: bench [--rounds N] [--quick] \
                     [--write-readme | --instructions] [--allocators CONFIG,...]"
                ));
            }
        }
    }
    let out = root.join("target/bench");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;

    if write_readme && (count_instructions || only.is_some() || quick) {
        return Err(
            "--write-readme takes the full run: no --instructions, --allocators or --quick".into(),
        );
    }
    // Sizes first: a missing measurement should fail before minutes of building.
    let mut allocators = allocators()?;
    if let Some(only) = &only {
        for name in only {
            if !allocators.iter().any(|a| a.config == name) {
                let known: Vec<&str> = allocators.iter().map(|a| a.config).collect();
                return Err(format!(
                    "--allocators: no {name:?} (known: {})",
                    known.join(", ")
                ));
            }
        }
        // The baseline stays: every ratio is against it.
        allocators.retain(|a| a.name == BASELINE || only.iter().any(|n| n == a.config));
    }
    let mut sizes = BTreeMap::new();
    for allocator in &allocators {
        let path = root.join(format!("target/size/{}-full.wasm", allocator.config));
        let bytes = std::fs::metadata(&path)
            .map_err(|e| format!("{}: {e} (run ci/size-check.sh first)", path.display()))?
            .len();
        sizes.insert(allocator.name, bytes);
    }

    let workloads = workloads(quick);
    let environment = environment(&root, count_instructions);
    let mut report = String::new();
    let mut charts = Vec::new();
    for level in LEVELS {
        let mut modules = Vec::new();
        for allocator in &allocators {
            eprintln!(
                "bench: building the module for {} ({})",
                allocator.name, level.label
            );
            modules.push((allocator.name, build(&root, &out, allocator, level)?));
        }
        if count_instructions {
            let mut counts = BTreeMap::new();
            for (name, module) in &modules {
                for workload in &workloads {
                    eprintln!(
                        "bench: counting {name}, {} ({})",
                        workload.name, level.label
                    );
                    counts.insert(
                        (*name, workload.name),
                        instructions::per_run(&root, module, workload)?,
                    );
                }
            }
            let names: Vec<&str> = modules.iter().map(|(name, _)| *name).collect();
            let table = instructions::markdown(&counts, &names, &groups(&workloads), BASELINE);
            report.push_str(&format!(
                "### Built with {}: instructions\n\n{table}\nMeasured by `ci/bench.sh \
                 --instructions`: {environment}.\n\n",
                level.label
            ));
            continue;
        }
        let plan = plan_json(&modules, &workloads, rounds);
        let plan_path = out.join("plan.json");
        std::fs::write(&plan_path, plan).map_err(|e| format!("{}: {e}", plan_path.display()))?;
        eprintln!(
            "bench: running {rounds} rounds under Node ({})",
            level.label
        );
        let output = run(Command::new("node")
            .arg("--no-liftoff")
            .arg(root.join("ci/bench/run.mjs"))
            .arg(&plan_path))?;
        let runs: Vec<Run> = output.lines().map(Run::parse).collect::<Result<_, _>>()?;

        let names: Vec<&str> = allocators.iter().map(|a| a.name).collect();
        let workload_names: Vec<&str> = workloads.iter().map(|w| w.name).collect();
        let summary = Summary::new(&runs, &names, &workload_names, BASELINE)?;
        let table = summary.markdown(
            &groups(&workloads),
            &sizes,
            &environment,
            rounds,
            level.label,
        );
        report.push_str(&format!("### Built with {}\n\n{table}\n", level.label));
        let points: Vec<chart::Point> = allocators
            .iter()
            .map(|a| chart::Point {
                label: a.name,
                bytes: sizes[a.name],
                speedup: summary.mean_speedup(a.name),
                ours: a.ours,
            })
            .collect();
        charts.push((
            level,
            chart::svg(
                &points,
                &format!("modules built with {}; {environment}", level.label),
            ),
        ));
    }
    let table = report.trim_end().to_string() + "\n";
    println!("{table}");
    if count_instructions {
        let path = root.join("target/bench-instructions.md");
        std::fs::write(
            &path,
            format!("## zepto_alloc benchmark: instructions\n\n{table}"),
        )
        .map_err(|e| format!("{}: {e}", path.display()))?;
        println!("Report: {}", path.display());
        return Ok(());
    }
    let report_path = root.join("target/bench-report.md");
    std::fs::write(&report_path, format!("## zepto_alloc benchmark\n\n{table}"))
        .map_err(|e| format!("{}: {e}", report_path.display()))?;
    for (level, svg) in &charts {
        let chart_path = root.join(format!("target/bench-chart-{}.svg", level.profile));
        std::fs::write(&chart_path, svg).map_err(|e| format!("{}: {e}", chart_path.display()))?;
        println!("Chart: {}", chart_path.display());
    }
    println!("Report: {}", report_path.display());

    if write_readme {
        for (level, svg) in &charts {
            let committed = root.join(level.chart);
            std::fs::write(&committed, svg).map_err(|e| format!("{}: {e}", committed.display()))?;
        }
        let readme_path = root.join("README.md");
        let readme =
            std::fs::read_to_string(&readme_path).map_err(|e| format!("README.md: {e}"))?;
        let (begin, end) = (
            "<!-- bench:begin: generated by `ci/bench.sh --write-readme` -->",
            "<!-- bench:end -->",
        );
        let start = readme
            .find(begin)
            .ok_or("README.md lacks the bench markers")?
            + begin.len();
        let stop = readme
            .find(end)
            .ok_or("README.md lacks the bench end marker")?;
        let fresh = format!("{}\n{}{}", &readme[..start], table, &readme[stop..]);
        std::fs::write(&readme_path, fresh).map_err(|e| format!("README.md: {e}"))?;
        println!("Updated README.md and the charts in ci/bench/");
    }
    Ok(())
}

/// Builds the module for one allocator (its own target directory: a `cdylib`'s file name has no
/// feature hash).
fn build(root: &Path, out: &Path, allocator: &Allocator, level: &Level) -> Result<PathBuf, String> {
    let target_dir = out.join("build").join(allocator.config);
    let mut cargo = Command::new("cargo");
    cargo
        .current_dir(root)
        .args([
            "build",
            "--quiet",
            "--locked",
            "--package",
            "zepto_bench_module",
        ])
        .args([
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            level.profile,
        ])
        .arg("--target-dir")
        .arg(&target_dir)
        .env(zepto_configs::generate::VARIABLE, allocator.config);
    if let Some(feature) = allocator.feature {
        cargo.args(["--features", feature]);
    }
    run(&mut cargo)?;
    let built = target_dir
        .join("wasm32-unknown-unknown")
        .join(level.profile)
        .join("zepto_bench_module.wasm");
    let module = out.join(format!("{}-{}.wasm", allocator.config, level.profile));
    std::fs::copy(&built, &module).map_err(|e| format!("{}: {e}", built.display()))?;
    Ok(module)
}

fn plan_json(modules: &[(&str, PathBuf)], workloads: &[Workload], rounds: u32) -> String {
    let modules: Vec<String> = modules
        .iter()
        .map(|(name, path)| {
            format!(
                "{{\"name\":{:?},\"path\":{:?}}}",
                name,
                path.display().to_string()
            )
        })
        .collect();
    let workloads: Vec<String> = workloads
        .iter()
        .map(|w| {
            let args: Vec<String> = w.args.iter().map(u32::to_string).collect();
            format!(
                "{{\"name\":{:?},\"export\":{:?},\"args\":[{}]}}",
                w.name,
                w.export,
                args.join(",")
            )
        })
        .collect();
    format!(
        "{{\"rounds\":{rounds},\"modules\":[{}],\"workloads\":[{}]}}",
        modules.join(","),
        workloads.join(",")
    )
}

/// What the figures were measured with, for the report and the chart.
fn environment(root: &Path, count_instructions: bool) -> String {
    let engine = if count_instructions {
        instructions::engine()
    } else {
        let node = run(Command::new("node").arg("--version")).unwrap_or_default();
        format!("Node {node} (V8, --no-liftoff)")
    };
    let rustc = run(Command::new("rustc").arg("--version").current_dir(root)).unwrap_or_default();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let date = run(Command::new("date").arg("-u").arg("+%Y-%m-%d")).unwrap_or_default();
    format!("{date}, {engine}, {rustc}, {cpu}")
}

fn run(command: &mut Command) -> Result<String, String> {
    let output = command
        .output()
        .map_err(|e| format!("cannot run {:?}: {e}", command.get_program()))?;
    if !output.status.success() {
        return Err(format!(
            "{:?} failed: {}",
            command.get_program(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}
