//! `size-gate`: builds `example/` for every allocator configuration and both probes, measures the
//! optimised `.wasm`, compares with lol_alloc 0.4.1 and std's dlmalloc built in the same run, and
//! fails when a configuration is over its budget in `size-budget.toml`, contains panicking code
//! or can trap where it must not (the trap scan, `src/scan.rs`).
//!
//! Run it through `ci/size-check.sh`, which installs the pinned wasm-opt and twiggy first.
//!
//! ```text
//! size-gate [--budget FILE] [--readme FILE] [--baseline DIR|GIT-REF] [--only CONFIG,...]
//!           [--write-readme]
//! size-gate --scan LABEL=MODULE.wasm... [--expect-traps LABEL=MODULE.wasm...]
//! ```
//!
//! `--scan` only runs the trap scan on `full` probe modules built elsewhere (`ci/test.sh matrix`):
//! each must have no trap, and each after `--expect-traps` must have one (negative controls).
//!
//! Exit status: 0 when the gate passes, 1 when it fails (the reasons are printed and written to
//! `target/size-report.md`), 2 when it cannot run.

mod budget;
mod build;
mod configs;
mod report;
mod scan;

use build::{Module, Tools};
use configs::{Config, Origin, Probe};
use report::{Detail, Row};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

struct Options {
    budget: PathBuf,
    readme: PathBuf,
    baseline: Option<String>,
    only: Option<Vec<String>>,
    write_readme: bool,
}

const USAGE: &str = "usage: size-gate [--budget FILE] [--readme FILE] [--baseline DIR|GIT-REF] \
                     [--only CONFIG,...] [--write-readme]\n       \
                     size-gate --scan LABEL=MODULE.wasm... [--expect-traps LABEL=MODULE.wasm...]";

/// `--scan`: the trap scan alone, on `full` probe modules; true when every module is as expected.
fn scan_modules(args: &[String]) -> Result<bool, String> {
    let split = args
        .iter()
        .position(|a| a == "--expect-traps")
        .unwrap_or(args.len());
    let cases = args[..split].iter().map(|a| (a, false)).chain(
        args.get(split + 1..)
            .unwrap_or_default()
            .iter()
            .map(|a| (a, true)),
    );
    let list = zepto_configs::List::load()?;
    let (mut passed, mut failed) = (0, 0);
    for (arg, expect_traps) in cases {
        let (label, path) = arg
            .split_once('=')
            .ok_or_else(|| format!("--scan takes LABEL=MODULE.wasm, not {arg:?}\n{USAGE}"))?;
        let module = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        // The label ends in the configuration's name: a checking one traps on misuse by design.
        let checks = label
            .rsplit('/')
            .next()
            .and_then(|name| list.find(name))
            .is_some_and(|c| c.checks);
        let policy = scan::Policy {
            traps_on_misuse: checks,
            ..scan::Policy::default()
        };
        let traps = scan::scan(&module, policy)
            .map_err(|e| format!("{path}: not a wasm module we can read: {e}"))?;
        if traps.is_empty() == expect_traps {
            failed += 1;
            if expect_traps {
                println!("FAILED  {label}: no trap found, but this negative control must have one");
            } else {
                println!("FAILED  {label}: {}", traps.join("; "));
            }
        } else {
            passed += 1;
            match traps.first() {
                Some(trap) => println!("ok      {label}: has a trap, as it must ({trap})"),
                None => println!("ok      {label}: no trap"),
            }
        }
    }
    println!("trap scan: {passed} passed, {failed} failed");
    Ok(failed == 0 && passed > 0)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().map(String::as_str) == Some("--scan") {
        scan_modules(&args[1..])
    } else {
        gate()
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            eprintln!("size-gate: {error}");
            ExitCode::from(2)
        }
    }
}

fn parse_options(root: &Path) -> Result<Options, String> {
    let mut options = Options {
        budget: root.join("size-budget.toml"),
        readme: root.join("README.md"),
        baseline: None,
        only: None,
        write_readme: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--budget" => options.budget = PathBuf::from(value()?),
            "--readme" => options.readme = PathBuf::from(value()?),
            "--baseline" => options.baseline = Some(value()?),
            "--only" => options.only = Some(value()?.split(',').map(String::from).collect()),
            "--write-readme" => options.write_readme = true,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(options)
}

/// The configurations to build: all, or the named ones of ours with what they are compared with.
fn selection(only: Option<&[String]>) -> Result<Vec<&'static Config>, String> {
    let Some(only) = only else {
        return Ok(configs::all().iter().collect());
    };
    let mut names = Vec::new();
    for name in only {
        let config = configs::find(name)
            .filter(|c| c.origin == Origin::Ours)
            .ok_or_else(|| format!("--only: {name} is not one of our configurations"))?;
        names.push(config.name);
        names.extend(config.lol);
        names.push(configs::floor_on(config.target, false));
        names.push(configs::floor_on(config.target, true));
    }
    Ok(configs::all()
        .iter()
        .filter(|c| names.contains(&c.name))
        .collect())
}

fn gate() -> Result<bool, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .map_err(|e| format!("cannot find the repository root: {e}"))?;
    let options = parse_options(&root)?;
    let tools = Tools::find(&root)?;
    let budgets = budget::Budgets::load(&options.budget)?;
    let selected = selection(options.only.as_deref())?;
    let out = root.join("target/size");
    let target_dir = out.join("build");

    let modules = measure_all(&tools, &root, &target_dir, &out, &selected, "")?
        .into_iter()
        .map(|(key, module)| module.map(|m| (key, m)))
        .collect::<Result<BTreeMap<_, _>, String>>()?;

    let baseline = match &options.baseline {
        Some(spec) => Some(baseline_modules(&tools, &root, spec, &selected)?),
        None => None,
    };

    let bytes = |name: &str, probe| modules.get(&(name, probe)).map(|m| m.bytes as i64);
    let mut rows = Vec::new();
    for config in &selected {
        for probe in Probe::BOTH {
            let module = &modules[&(config.name, probe)];
            let floor_bytes = bytes(configs::floor(config), probe).unwrap_or(0);
            let lol = config.lol.and_then(|name| {
                let lol_floor = bytes(configs::floor_on(config.target, true), probe)?;
                let lol_bytes = bytes(name, probe)?;
                Some((lol_bytes as u64, lol_bytes - lol_floor))
            });
            rows.push(Row {
                config,
                probe,
                bytes: module.bytes,
                allocator: module.bytes as i64 - floor_bytes,
                budget: (config.origin == Origin::Ours)
                    .then(|| budgets.get(config.name, probe))
                    .flatten(),
                lol,
                baseline: baseline
                    .as_ref()
                    .and_then(|b| b.get(&(config.name, probe)).map(|m| m.bytes)),
            });
        }
    }

    let mut failures = Vec::new();
    let mut details = Vec::new();
    for row in rows.iter().filter(|r| r.config.origin == Origin::Ours) {
        let id = format!("{}/{}", row.config.name, row.probe.name());
        if let Some(budget) = row.budget {
            if row.bytes > budget {
                failures.push(format!(
                    "{id}: {} bytes, {} over its budget of {budget}",
                    row.bytes,
                    row.bytes - budget
                ));
            }
            if let Some((lol_bytes, _)) = row.lol
                && budget > lol_bytes
            {
                failures.push(format!(
                    "{id}: its budget of {budget} is above lol_alloc's {lol_bytes} bytes; \
                     budgets must not allow more than the crate users switch from"
                ));
            }
        }
        let module = &modules[&(row.config.name, row.probe)];
        for trap in traps(module, row.config, row.probe)? {
            failures.push(format!("{id}: {trap}"));
        }
        let panics = build::panicking_functions(&tools, module)?;
        if !panics.is_empty() {
            failures.push(format!(
                "{id}: panicking code reached the module: {}",
                panics.join(", ")
            ));
        }
        let diff = match baseline
            .as_ref()
            .and_then(|b| b.get(&(row.config.name, row.probe)))
        {
            Some(old) => Some(build::twiggy_diff(&tools, &old.named, module)?),
            None => None,
        };
        details.push(Detail {
            title: format!("{id}: `{}`, twiggy top 15", row.config.description),
            top: build::twiggy_top(&tools, module)?,
            diff,
        });
    }

    // The reference rows are scanned too, for the report: a trap there is the other crate's.
    let mut notes = Vec::new();
    for row in rows.iter().filter(|r| r.config.origin != Origin::Ours) {
        let module = &modules[&(row.config.name, row.probe)];
        for trap in traps(module, row.config, row.probe)? {
            if trap.contains("lone trap") {
                notes.push(format!(
                    "{}/{} (`{}`): {trap}",
                    row.config.name,
                    row.probe.name(),
                    row.config.description
                ));
            }
        }
    }

    // The README's and the crate docs' tables must match this measurement (only a full run
    // measures all of it).
    if options.only.is_none() {
        let readme = report::readme_table(&tools, &rows);
        let docs = report::crate_docs_table(&tools, &rows);
        let lib = root.join("src/lib.rs");
        for (path, table, prefix) in [(&options.readme, &readme, ""), (&lib, &docs, "//! ")] {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let fresh = report::with_table(&text, table, prefix)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if fresh == text {
                continue;
            }
            if options.write_readme {
                std::fs::write(path, fresh).map_err(|e| format!("{}: {e}", path.display()))?;
                eprintln!("size-gate: updated the size table in {}", path.display());
            } else {
                failures.push(format!(
                    "the size table in {} is stale: run `ci/size-check.sh --write-readme`",
                    path.display()
                ));
            }
        }
    }

    println!("{}", report::terminal_table(&rows, baseline.is_some()));
    let markdown = report::markdown_report(
        &tools,
        &rows,
        &failures,
        &notes,
        &details,
        options.baseline.as_deref(),
    );
    let report_path = root.join("target/size-report.md");
    std::fs::write(&report_path, markdown)
        .map_err(|e| format!("{}: {e}", report_path.display()))?;
    println!("Report: {}", report_path.display());
    println!(
        "Toolchain: {}; {}",
        tools.rustc_version, tools.wasm_opt_version
    );
    for note in &notes {
        println!("Trap in a reference module (not ours): {note}");
    }
    if failures.is_empty() {
        println!("Size gate passed.");
    } else {
        for failure in &failures {
            eprintln!("size-gate: FAILED: {failure}");
        }
    }
    Ok(failures.is_empty())
}

/// The trap scan of a module the gate built: the `box` probe's `hello` aborts when `Box::new`
/// fails (all it can do with `FailAllocator`); nothing else may trap.
fn traps(module: &Module, config: &Config, probe: Probe) -> Result<Vec<String>, String> {
    let bytes =
        std::fs::read(&module.named).map_err(|e| format!("{}: {e}", module.named.display()))?;
    let policy = match probe {
        Probe::Box => scan::Policy {
            may_abort: &["hello"],
            always_fails: config.always_fails,
            traps_on_misuse: config.checks,
        },
        Probe::Full => scan::Policy {
            traps_on_misuse: config.checks,
            ..scan::Policy::default()
        },
    };
    scan::scan(&bytes, policy).map_err(|e| format!("{}: {e}", module.named.display()))
}

/// Builds and measures every selected configuration with both probes, two at a time (cargo
/// builds are single-threaded at the end, with fat LTO, and wasm-opt from npm spends most of its
/// time starting up).
#[allow(clippy::type_complexity)]
fn measure_all(
    tools: &Tools,
    source: &Path,
    builds: &Path,
    out: &Path,
    selected: &[&'static Config],
    label: &str,
) -> Result<Vec<((&'static str, Probe), Result<Module, String>)>, String> {
    let jobs: Vec<(&'static Config, Probe)> = selected
        .iter()
        .flat_map(|c| Probe::BOTH.map(|p| (*c, p)))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&(config, probe)) = jobs.get(i) else {
                        break;
                    };
                    eprintln!(
                        "size-gate: building {label}{} ({})",
                        config.name,
                        probe.name()
                    );
                    let result = build::measure(tools, source, builds, out, config, probe);
                    results.lock().unwrap().push(((config.name, probe), result));
                }
            });
        }
    });
    let mut results = results
        .into_inner()
        .map_err(|_| "a build thread panicked")?;
    results.sort_by_key(|(key, _)| *key);
    Ok(results)
}

/// The baseline's modules: from a directory of a previous run's `target/size`, or built from a
/// git ref in a worktree. Configurations the baseline cannot build are left out.
fn baseline_modules(
    tools: &Tools,
    root: &Path,
    spec: &str,
    selected: &[&'static Config],
) -> Result<BTreeMap<(&'static str, Probe), Module>, String> {
    let mut modules = BTreeMap::new();
    let dir = Path::new(spec);
    if dir.is_dir() {
        for config in selected {
            for probe in Probe::BOTH {
                let stem = format!("{}-{}.wasm", config.name, probe.name());
                let (gated, named) = (dir.join(&stem), dir.join("named").join(&stem));
                if let (Ok(meta), true) = (std::fs::metadata(&gated), named.exists()) {
                    modules.insert(
                        (config.name, probe),
                        Module {
                            bytes: meta.len(),
                            named,
                        },
                    );
                }
            }
        }
        return Ok(modules);
    }
    let sha = build::output(Command::new("git").current_dir(root).args([
        "rev-parse",
        "--verify",
        &format!("{spec}^{{commit}}"),
    ]))
    .map_err(|e| format!("--baseline {spec} is neither a directory nor a git commit: {e}"))?;
    let base = root.join("target/size/baseline");
    let worktree = base.join(&sha);
    if !worktree.exists() {
        build::output(
            Command::new("git")
                .current_dir(root)
                .args(["worktree", "add", "--detach"])
                .arg(&worktree)
                .arg(&sha),
        )?;
    }
    let out = base.join(format!("{sha}-out"));
    for (key, result) in measure_all(
        tools,
        &worktree,
        &base.join("build"),
        &out,
        selected,
        "baseline ",
    )? {
        match result {
            Ok(module) => {
                modules.insert(key, module);
            }
            Err(error) => eprintln!("size-gate: the baseline has no {}: {error}", key.0),
        }
    }
    Ok(modules)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The repository root and the installed tools.
    fn root_and_tools() -> (PathBuf, Tools) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .canonicalize()
            .unwrap();
        let tools = Tools::find(&root).expect("run through ci/test.sh, which installs the tools");
        (root, tools)
    }

    /// The panic check must find panicking code where there is some: std's own allocator keeps
    /// `core::panicking::panic` in the `full` probe.
    #[test]
    fn the_panic_check_finds_panicking_code_in_std() {
        let (root, tools) = root_and_tools();
        let std = configs::find("std").unwrap();
        let out = root.join("target/size");
        let module = build::measure(&tools, &root, &out.join("build"), &out, std, Probe::Full)
            .expect("build std/full");
        let panics = build::panicking_functions(&tools, &module).unwrap();
        assert!(
            panics.iter().any(|name| name.contains("panicking::panic")),
            "{panics:?}"
        );
        let fail = configs::find("fail").unwrap();
        let module = build::measure(&tools, &root, &out.join("build"), &out, fail, Probe::Box)
            .expect("build fail/box");
        assert_eq!(
            build::panicking_functions(&tools, &module).unwrap(),
            Vec::<String>::new()
        );
    }

    /// The trap scan must find the trap where there is one: lol_alloc 0.4.1's
    /// `LockedAllocator<LeakingAllocator>` has the miscompile our `LockedAllocator` had
    /// (`src/dead_argument.rs`), its `dealloc` a lone `unreachable`, in both probes. Ours has none.
    #[test]
    fn the_trap_scan_finds_lol_allocs_locked_leaking_dealloc() {
        let (root, tools) = root_and_tools();
        let out = root.join("target/size");
        for (name, trapping_export) in [("lol-leak-locked", Some("dealloc")), ("leak-locked", None)]
        {
            let config = configs::find(name).unwrap();
            let module =
                build::measure(&tools, &root, &out.join("build"), &out, config, Probe::Full)
                    .unwrap();
            let found = traps(&module, config, Probe::Full).unwrap();
            match trapping_export {
                Some(export) => assert_eq!(
                    found,
                    [format!("export `{export}` compiles to a lone trap")],
                    "{name}"
                ),
                None => assert!(found.is_empty(), "{name}: {found:?}"),
            }
        }
        let config = configs::find("lol-leak-locked").unwrap();
        let module =
            build::measure(&tools, &root, &out.join("build"), &out, config, Probe::Box).unwrap();
        assert_eq!(
            traps(&module, config, Probe::Box).unwrap(),
            ["export `goodbye` compiles to a lone trap"]
        );
    }

    /// The gated module is the named one without its `name` section; that must be exactly what
    /// `wasm-opt -Oz --strip-debug` makes of the build, or the gate would measure something else.
    #[test]
    fn dropping_the_name_section_equals_wasm_opt_strip_debug() {
        let (root, tools) = root_and_tools();
        let out =
            std::env::temp_dir().join(format!("zepto-size-gate-strip-{}", std::process::id()));
        for (name, probe) in [("leak", Probe::Full), ("free-locked", Probe::Box)] {
            let config = configs::find(name).unwrap();
            let builds = root.join("target/size/build");
            let module = build::measure(&tools, &root, &builds, &out, config, probe).unwrap();
            let stem = format!("{name}-{}.wasm", probe.name());
            let stripped = out.join("stripped.wasm");
            build::output(
                Command::new(&tools.wasm_opt)
                    .arg("-Oz")
                    .args(build::WASM_FEATURES)
                    .args([
                        "--strip-debug",
                        "--strip-producers",
                        "--strip-target-features",
                    ])
                    .arg(out.join("raw").join(&stem))
                    .arg("-o")
                    .arg(&stripped),
            )
            .unwrap();
            let ours = std::fs::read(out.join(&stem)).unwrap();
            assert_eq!(ours.len() as u64, module.bytes);
            assert!(ours == std::fs::read(&stripped).unwrap(), "{stem} differs");
        }
        std::fs::remove_dir_all(&out).unwrap();
    }
}
