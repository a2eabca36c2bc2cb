//! `size-budget.toml`: one byte budget per configuration and probe.
//!
//! ```toml
//! [leak]
//! box = 212   # how the figure was set
//! full = 341
//! ```

use crate::configs::{self, Origin, Probe};
use std::collections::BTreeMap;
use std::path::Path;

/// Budgets by (configuration, probe).
pub struct Budgets(BTreeMap<(String, Probe), u64>);

impl Budgets {
    /// Reads and checks a budget file: every one of our configurations has both budgets, and
    /// nothing else is there (a misspelt name would otherwise go unchecked).
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let table: toml::Table = text
            .parse()
            .map_err(|e| format!("{} is not valid TOML: {e}", path.display()))?;
        let mut budgets = BTreeMap::new();
        for (name, entry) in &table {
            let known = configs::find(name).is_some_and(|c| c.origin == Origin::Ours);
            if !known {
                return Err(format!(
                    "{}: unknown configuration [{name}]",
                    path.display()
                ));
            }
            let entry = entry
                .as_table()
                .ok_or_else(|| format!("{}: [{name}] must be a table", path.display()))?;
            for (key, value) in entry {
                let probe = Probe::BOTH
                    .into_iter()
                    .find(|p| p.name() == key)
                    .ok_or_else(|| {
                        format!("{}: [{name}] has unknown probe {key:?}", path.display())
                    })?;
                let bytes = value
                    .as_integer()
                    .and_then(|v| u64::try_from(v).ok())
                    .ok_or_else(|| {
                        format!("{}: {name}.{key} must be a byte count", path.display())
                    })?;
                budgets.insert((name.clone(), probe), bytes);
            }
        }
        for config in configs::all().iter().filter(|c| c.origin == Origin::Ours) {
            for probe in Probe::BOTH {
                if !budgets.contains_key(&(config.name.to_string(), probe)) {
                    return Err(format!(
                        "{}: no budget for {}.{}",
                        path.display(),
                        config.name,
                        probe.name()
                    ));
                }
            }
        }
        Ok(Self(budgets))
    }

    pub fn get(&self, config: &str, probe: Probe) -> Option<u64> {
        self.0.get(&(config.to_string(), probe)).copied()
    }
}
