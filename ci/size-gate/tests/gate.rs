//! The size gate must pass on the tree as committed and fail, naming the configuration, when a
//! budget is lowered below what the configuration measures or the README's table is stale.
//!
//! These run the gate binary, which builds wasm modules: they need the pinned wasm-opt and twiggy
//! (`ci/test.sh` installs them) and share `target/size/`, so they take turns.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

/// The gate's runs share cargo's target directory and output files: one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn gate(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_size-gate"))
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("not found") && output.status.code() != Some(2),
        "the gate could not run (run through ci/test.sh, which installs its tools):\n{stderr}"
    );
    output
}

/// A copy of `text` under the system's temporary directory, unique to this test.
fn temp_file(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("zepto-size-gate-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_committed_tree_passes() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let output = gate(&[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("Size gate passed."));
    let report = std::fs::read_to_string(root().join("target/size-report.md")).unwrap();
    assert!(report.contains("**Size gate: passed.**"));
    assert!(report.contains("twiggy top 15"));
}

#[test]
fn a_budget_below_the_measured_figure_fails_and_names_the_configuration() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    assert!(gate(&["--only", "leak"]).status.success());
    let measured = std::fs::metadata(root().join("target/size/leak-box.wasm"))
        .unwrap()
        .len();
    let budgets = std::fs::read_to_string(root().join("size-budget.toml")).unwrap();
    let mut table: toml::Table = budgets.parse().unwrap();
    table["leak"]["budget"]["box"] = toml::Value::Integer(measured as i64 - 1);
    let lowered = temp_file("budget.toml", &table.to_string());

    let output = gate(&["--only", "leak", "--budget", lowered.to_str().unwrap()]);
    std::fs::remove_file(&lowered).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "leak/box: {measured} bytes, 1 over its budget of {}",
            measured - 1
        )),
        "{stderr}"
    );
    assert!(
        !stderr.contains("leak/full"),
        "only the lowered budget fails: {stderr}"
    );
    let report = std::fs::read_to_string(root().join("target/size-report.md")).unwrap();
    assert!(report.contains("**Size gate: failed.**") && report.contains("leak/box"));
}

#[test]
fn a_budget_above_lol_alloc_fails() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let budgets = std::fs::read_to_string(root().join("size-budget.toml")).unwrap();
    let mut table: toml::Table = budgets.parse().unwrap();
    table["page"]["budget"]["full"] = toml::Value::Integer(100_000);
    let raised = temp_file("raised.toml", &table.to_string());
    let output = gate(&["--only", "page", "--budget", raised.to_str().unwrap()]);
    std::fs::remove_file(&raised).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("page/full: its budget of 100000 is above lol_alloc's"),
        "{stderr}"
    );
}

#[test]
fn a_stale_readme_table_fails() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let row = readme
        .lines()
        .find(|l| l.starts_with("| `AssumeSingleThreaded<LeakingAllocator>`"))
        .unwrap();
    let stale = readme.replace(row, &row.replacen("| `Assume", "| `Stale", 1));
    let copy = temp_file("README.md", &stale);
    let output = gate(&["--readme", copy.to_str().unwrap()]);
    std::fs::remove_file(&copy).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is stale"), "{stderr}");
}
