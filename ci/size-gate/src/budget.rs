//! The byte budgets: `budget.box`, `budget.full`, `budget.v1-box` and `budget.v1-full` of each
//! configuration in `size-budget.toml`, the one list (or in another copy of it, `--budget FILE`,
//! which the gate's tests use to lower one).
//!
//! ```toml
//! [leak]
//! allocator = "AssumeSingleThreaded<LeakingAllocator<G>>"
//! budget.box = 212   # how the figure was set
//! budget.full = 341
//! ```

use crate::configs::{self, Origin, Probe, Target};
use std::collections::BTreeMap;
use std::path::Path;

/// Budgets by (configuration as the gate names it, probe).
pub struct Budgets(BTreeMap<(String, Probe), u64>);

impl Budgets {
    /// Reads a list and checks that every one of our configurations has every budget.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let list =
            zepto_configs::List::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut budgets = BTreeMap::new();
        for config in configs::all().iter().filter(|c| c.origin == Origin::Ours) {
            let entry = config
                .select
                .and_then(|name| list.find(name))
                .ok_or_else(|| format!("{}: no configuration [{}]", path.display(), config.name))?;
            for probe in Probe::BOTH {
                let key = match config.target {
                    Target::Unknown => probe.name().to_string(),
                    Target::V1None => format!("v1-{}", probe.name()),
                };
                let bytes = entry.budget(&key).ok_or_else(|| {
                    format!("{}: no budget.{key} for [{}]", path.display(), entry.name)
                })?;
                budgets.insert((config.name.to_string(), probe), bytes);
            }
        }
        Ok(Self(budgets))
    }

    pub fn get(&self, config: &str, probe: Probe) -> Option<u64> {
        self.0.get(&(config.to_string(), probe)).copied()
    }
}
