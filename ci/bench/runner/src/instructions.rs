//! Instruction counts, the benchmark's `--instructions` mode: what a run executes, counted by
//! valgrind's cachegrind rather than timed, so the effect of a change can be read on a busy
//! machine: the count does not depend on what else the machine is doing. Two runs of the same
//! command differed by 2.2 million instructions of about 685 million (Node's start-up and the
//! module's compilation, 2026-12-07), so the workloads' sizes keep one run's worth far above that
//! (the trace replays' ten rounds: about 200 million).
//!
//! Node and the module's compilation cost instructions too, so each workload runs twice, once at
//! its size and once at double its size (twice the program's repeats, the trace's rounds, the
//! churn's steps), each in a fresh `node --no-liftoff --single-threaded` under cachegrind; the
//! difference is one run's worth, start-up cancelled. That is the count per run of a whole
//! program, and per allocator call (divided by the run's calls) for the rest.

use crate::Workload;
use std::path::Path;
use std::process::Command;

/// Instructions executed by `node` running `export(args)` on the module at `module` once, under
/// cachegrind (no cache simulation), and the allocator calls it made.
fn count(root: &Path, module: &Path, export: &str, args: &[u32]) -> Result<(u64, u64), String> {
    let output = Command::new("valgrind")
        .args([
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
        ])
        .args(["node", "--no-liftoff", "--single-threaded"])
        .arg(root.join("ci/bench/run.mjs"))
        .arg("--once")
        .arg(module)
        .arg(export)
        .args(args.iter().map(u32::to_string))
        .output()
        .map_err(|e| format!("cannot run valgrind (apt-get install valgrind): {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!(
            "valgrind node {export}{args:?} failed: {}",
            stderr.trim()
        ));
    }
    // "==123== I   refs:      1,234,567"
    let instructions = stderr
        .lines()
        .find_map(|line| {
            let mut words = line.split_whitespace().skip_while(|w| *w != "I").skip(1);
            (words.next() == Some("refs:"))
                .then(|| words.next())
                .flatten()
        })
        .map(|n| n.replace(',', ""))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| {
            format!(
                "no instruction count in valgrind's output: {}",
                stderr.trim()
            )
        })?;
    let calls = String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("calls "))
        .and_then(|n| n.trim().parse().ok())
        .ok_or("run.mjs --once printed no call count")?;
    Ok((instructions, calls))
}

/// One run's worth of `workload` on `module`: the instructions at double size less those at its
/// size, and the calls of one run.
pub fn per_run(root: &Path, module: &Path, workload: &Workload) -> Result<(u64, u64), String> {
    let (once, calls) = count(root, module, workload.export, &workload.args)?;
    let mut doubled = workload.args.clone();
    doubled[workload.scale] *= 2;
    let (twice, _) = count(root, module, workload.export, &doubled)?;
    Ok((twice.saturating_sub(once), calls))
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
        "Instructions executed (valgrind's cachegrind, Node `--no-liftoff --single-threaded`, \
         one run's worth: a run at double size less a run at its size), and in parentheses std's \
         default allocator's count over this one's (higher is fewer).\n",
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
