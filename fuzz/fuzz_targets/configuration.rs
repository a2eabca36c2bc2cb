//! The fuzz target: every configuration of the list (`size-budget.toml`) against the shadow model
//! (see `zepto_configs::host::fuzz`). With `ZEPTO_CONFIG` set (a name, or several separated by
//! commas), only those; otherwise the input's first byte picks one, so one run covers them all.
#![no_main]

use std::sync::OnceLock;
use zepto_configs::{Configuration, List, generate};

/// The configurations this run fuzzes.
fn configurations() -> &'static [Configuration] {
    static CONFIGS: OnceLock<Vec<Configuration>> = OnceLock::new();
    CONFIGS.get_or_init(|| {
        let list = List::load().unwrap_or_else(|e| panic!("{e}"));
        let only = std::env::var(generate::VARIABLE).unwrap_or_default();
        let only: Vec<&str> = only.split(',').filter(|n| !n.is_empty()).collect();
        for name in &only {
            assert!(
                list.find(name).is_some(),
                "{}: no configuration {name:?}",
                generate::VARIABLE
            );
        }
        list.ours()
            .filter(|c| only.is_empty() || only.contains(&c.name.as_str()))
            .cloned()
            .collect()
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let configs = configurations();
    let (config, data) = match (configs, data) {
        ([one], data) => (one, data),
        (_, [pick, rest @ ..]) => (&configs[usize::from(*pick) % configs.len()], rest),
        (_, []) => return,
    };
    zepto_configs::host::fuzz(config, data);
});
