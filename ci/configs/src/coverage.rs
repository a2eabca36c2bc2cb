//! What each suite ran: a mark per suite and configuration, and the check that nothing the
//! [`suites`](crate::suites) rules call for is missing.
//!
//! A suite marks a configuration once it has run it to the end: the host suites themselves
//! ([`mark`]), the scripted ones through `configs mark`. The marks go under the directory named by
//! `ZEPTO_COVERAGE` (`ci/test.sh` sets it to `target/coverage`, emptied as each step starts);
//! without it, marking does nothing.

use crate::List;
use crate::suites::SUITES;
use std::path::Path;

/// The environment variable naming the marks' directory.
pub const VARIABLE: &str = "ZEPTO_COVERAGE";

/// Records that `suite` ran `config` to the end (when `ZEPTO_COVERAGE` is set; not under Miri,
/// which keeps tests from the file system).
pub fn mark(suite: &str, config: &str) {
    if cfg!(miri) {
        return;
    }
    if let Some(dir) = std::env::var_os(VARIABLE) {
        let dir = Path::new(&dir).join(suite);
        std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(dir.join(config), b""))
            .unwrap_or_else(|e| panic!("marking {suite}/{config} in {}: {e}", dir.display()));
    }
}

/// Checks the marks in `dir` for `suites`: every configuration each suite's rule calls for must
/// have one. The error names each suite and what it missed.
pub fn check(list: &List, dir: &Path, suites: &[&str]) -> Result<(), String> {
    let mut missing = Vec::new();
    for name in suites {
        let suite = SUITES
            .iter()
            .find(|s| s.name == *name)
            .ok_or_else(|| format!("no suite {name:?}"))?;
        let absent: Vec<&str> = list
            .ours()
            .filter(|c| suite.runs(c) && !dir.join(name).join(&c.name).exists())
            .map(|c| c.name.as_str())
            .collect();
        if !absent.is_empty() {
            missing.push(format!(
                "suite {name} did not run {} (it runs {})",
                absent.join(", "),
                suite.rule
            ));
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configuration_a_suite_did_not_run_is_named() {
        let list = List::load().unwrap();
        let dir = std::env::temp_dir().join(format!("zepto-coverage-{}", std::process::id()));
        let suite = crate::suites::find("host-threads").unwrap();
        let runs: Vec<&str> = list
            .ours()
            .filter(|c| suite.runs(c))
            .map(|c| c.name.as_str())
            .collect();
        assert!(runs.contains(&"binned-locked") && !runs.contains(&"binned"));
        std::fs::create_dir_all(dir.join("host-threads")).unwrap();
        for name in &runs {
            std::fs::write(dir.join("host-threads").join(name), b"").unwrap();
        }
        assert_eq!(check(&list, &dir, &["host-threads"]), Ok(()));
        std::fs::remove_file(dir.join("host-threads/binned-locked")).unwrap();
        let err = check(&list, &dir, &["host-threads"]).unwrap_err();
        assert!(
            err.contains("suite host-threads did not run binned-locked"),
            "{err}"
        );
        assert!(check(&list, &dir, &["no-such-suite"]).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
