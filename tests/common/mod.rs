//! What the host suites share: the list of configurations (`size-budget.toml`, through
//! `ci/configs`) and a way to run a suite over every configuration it must run.

#![allow(dead_code)]

use std::sync::OnceLock;
use zepto_configs::{Configuration, List, coverage, suites};

/// The list, read once.
pub fn list() -> &'static List {
    static LIST: OnceLock<List> = OnceLock::new();
    LIST.get_or_init(|| List::load().unwrap_or_else(|e| panic!("{e}")))
}

/// Runs `body` for every configuration that `suite` must run (see `ci/configs/src/suites.rs`),
/// or for those named in `ZEPTO_CONFIG` (comma-separated) when it is set, and marks each as run
/// for `configs check`. With `parallel`, each in a thread of its own, named after it, so a panic
/// names the configuration (one after the other under Miri, which runs threads one at a time
/// anyway).
pub fn each(suite: &str, parallel: bool, body: impl Fn(&Configuration) + Sync) {
    let rule = suites::find(suite).unwrap_or_else(|| panic!("no suite {suite}"));
    let only = std::env::var(zepto_configs::generate::VARIABLE).unwrap_or_default();
    let only: Vec<&str> = only.split(',').filter(|n| !n.is_empty()).collect();
    let configs: Vec<&Configuration> = list()
        .ours()
        .filter(|c| rule.runs(c) && (only.is_empty() || only.contains(&c.name.as_str())))
        .collect();
    assert!(!configs.is_empty(), "{suite}: no configuration to run");
    let one = |config: &Configuration| {
        body(config);
        coverage::mark(suite, &config.name);
    };
    if parallel && !cfg!(miri) {
        std::thread::scope(|scope| {
            let runs: Vec<_> = configs
                .iter()
                .map(|&config| {
                    std::thread::Builder::new()
                        .name(config.name.clone())
                        .spawn_scoped(scope, || one(config))
                        .unwrap()
                })
                .collect();
            let failed: Vec<String> = runs
                .into_iter()
                .zip(&configs)
                .filter_map(|(run, config)| run.join().is_err().then(|| config.name.clone()))
                .collect();
            assert!(
                failed.is_empty(),
                "{suite} failed for {}",
                failed.join(", ")
            );
        });
    } else {
        for config in configs {
            eprintln!("{suite}: {}", config.name);
            one(config);
        }
    }
}

/// A seed of `config`'s own, so that configurations do not all see the same operations.
pub fn seed(config: &Configuration) -> u64 {
    config.name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
