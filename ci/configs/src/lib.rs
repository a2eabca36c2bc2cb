//! The one list of allocator configurations: `size-budget.toml` at the repository root.
//!
//! Every configuration of ours is a table there with the Rust type of its `#[global_allocator]`
//! ([`Recipe`]), its properties and its size budgets; the same file lists the reference rows the
//! size gate and the benchmark compare with, and the negative controls. Everything that builds
//! or tests a configuration takes it from here:
//!
//! - build scripts of the wasm programs (example/, the wasm-bindgen tests, the WASI and
//!   real-threads programs, the benchmark's module) write the `#[global_allocator]` of the
//!   configuration named by `ZEPTO_CONFIG` ([`generate`]);
//! - the host suites and the fuzz target build each configuration over a host grower
//!   (`host`, feature `host`);
//! - the size gate, `ci/test.sh` (through the `configs` command) and the benchmark runner list
//!   them, and [`suites`] says which suites must run which;
//! - each suite leaves a mark for every configuration it ran ([`coverage`]), and `configs check`
//!   fails, naming the suite, when a configuration its properties call for is missing.
//!
//! Adding a configuration made of existing allocators and wrappers is one table in the list; a new
//! allocator or wrapper also needs code where the building blocks are named (`host`).

pub mod coverage;
pub mod generate;
#[cfg(feature = "host")]
pub mod host;
mod recipe;
pub mod suites;

pub use recipe::Recipe;

use std::path::{Path, PathBuf};

/// The list's path: `size-budget.toml` at the repository root.
pub fn path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../size-budget.toml")
}

/// One configuration of ours.
#[derive(Clone, Debug)]
pub struct Configuration {
    /// Its name: the table's name, in tables, reports and `ZEPTO_CONFIG`.
    pub name: String,
    /// What to build.
    pub recipe: Recipe,
    /// It reuses freed memory.
    pub frees: bool,
    /// It can be the global allocator where threads run: `Sync` without a promise.
    pub threads: bool,
    /// It hands out memory at all (`FailAllocator` does not).
    pub allocates: bool,
    /// Every allocation takes fresh pages of its own.
    pub whole_pages: bool,
    /// A `CountingAllocator` outermost: its counters can be read.
    pub counts: bool,
    /// A `CheckedAllocator` outermost: freed blocks wait in its quarantine before they can be
    /// reused, so memory does not stay flat the way the freeing suites expect.
    pub checks: bool,
    /// lol_alloc's counterpart: a reference row.
    pub lol: Option<String>,
    /// Byte budgets by probe: `box`, `full`, `v1-box`, `v1-full`.
    pub budget: Vec<(String, u64)>,
    /// A negative control: must fail where it runs (never measured, in no ordinary suite).
    pub control: bool,
}

impl Configuration {
    /// The type as users write it, without the grower: `LockedAllocator<BinnedAllocator>`.
    pub fn description(&self) -> String {
        self.recipe.description()
    }

    /// The budget of `probe` (`box`, `full`, `v1-box`, `v1-full`).
    pub fn budget(&self, probe: &str) -> Option<u64> {
        self.budget
            .iter()
            .find(|(name, _)| name == probe)
            .map(|&(_, bytes)| bytes)
    }
}

/// Another crate's allocator (or std's own), measured to compare with.
#[derive(Clone, Debug)]
pub struct Reference {
    /// Its name: the table's, `[reference.<name>]`.
    pub name: String,
    /// How reports name it.
    pub description: String,
    /// The feature of example/ and of the benchmark's module that brings its crate in (none for
    /// std's default allocator).
    pub feature: Option<String>,
    /// The `#[global_allocator]`'s type and initialiser (none: std's default).
    pub global: Option<(String, String)>,
    /// Built for `wasm32v1-none` too.
    pub v1: bool,
    /// Its name in the benchmark, which runs it.
    pub bench: Option<String>,
}

/// The whole list.
#[derive(Clone, Debug)]
pub struct List {
    /// Ours and the controls, in the file's order.
    pub configurations: Vec<Configuration>,
    /// The reference rows, in the file's order.
    pub references: Vec<Reference>,
}

impl List {
    /// The list as this crate was built with it: compiled in, so that Miri (which keeps tests
    /// from the file system) reads it too, and cargo rebuilds whatever uses it when it changes.
    pub fn load() -> Result<Self, String> {
        Self::parse(include_str!("../../../size-budget.toml"))
            .map_err(|e| format!("{}: {e}", path().display()))
    }

    /// Parses the list's text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let table: toml::Table = text.parse().map_err(|e| format!("{e}"))?;
        let mut configurations = Vec::new();
        let mut references = Vec::new();
        for (name, value) in &table {
            let entries = value
                .as_table()
                .ok_or_else(|| format!("[{name}] is not a table"))?;
            match name.as_str() {
                "reference" => {
                    for (name, value) in entries {
                        references.push(reference(name, value)?);
                    }
                }
                "control" => {
                    for (name, value) in entries {
                        configurations.push(configuration(name, value, true)?);
                    }
                }
                _ => configurations.push(configuration(name, value, false)?),
            }
        }
        let list = Self {
            configurations,
            references,
        };
        for config in list.ours() {
            if let Some(lol) = &config.lol
                && list.reference(lol).is_none()
            {
                return Err(format!(
                    "[{}]: lol = {lol:?} is no [reference.*]",
                    config.name
                ));
            }
        }
        Ok(list)
    }

    /// Our configurations, without the controls.
    pub fn ours(&self) -> impl Iterator<Item = &Configuration> {
        self.configurations.iter().filter(|c| !c.control)
    }

    /// The negative controls.
    pub fn controls(&self) -> impl Iterator<Item = &Configuration> {
        self.configurations.iter().filter(|c| c.control)
    }

    /// A configuration or control by name.
    pub fn find(&self, name: &str) -> Option<&Configuration> {
        self.configurations.iter().find(|c| c.name == name)
    }

    /// A reference row by name.
    pub fn reference(&self, name: &str) -> Option<&Reference> {
        self.references.iter().find(|r| r.name == name)
    }
}

fn configuration(name: &str, value: &toml::Value, control: bool) -> Result<Configuration, String> {
    let at = |key: &str| format!("[{}{name}] {key}", if control { "control." } else { "" });
    let table = value.as_table().ok_or_else(|| at("is not a table"))?;
    let known = [
        "allocator",
        "frees",
        "threads",
        "allocates",
        "whole-pages",
        "counts",
        "checks",
        "lol",
        "budget",
    ];
    if let Some(key) = table.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(format!("{}: unknown key (known: {known:?})", at(key)));
    }
    let flag = |key: &str, default: bool| -> Result<bool, String> {
        table.get(key).map_or(Ok(default), |v| {
            v.as_bool()
                .ok_or_else(|| format!("{}: not true or false", at(key)))
        })
    };
    let allocator = table
        .get("allocator")
        .and_then(toml::Value::as_str)
        .ok_or_else(|| format!("{}: missing", at("allocator")))?;
    let mut budget = Vec::new();
    if let Some(probes) = table.get("budget") {
        let probes = probes
            .as_table()
            .ok_or_else(|| format!("{}: not a table", at("budget")))?;
        for (probe, bytes) in probes {
            if !["box", "full", "v1-box", "v1-full"].contains(&probe.as_str()) {
                return Err(format!("{}.{probe}: unknown probe", at("budget")));
            }
            let bytes = bytes
                .as_integer()
                .and_then(|b| u64::try_from(b).ok())
                .ok_or_else(|| format!("{}.{probe}: not a byte count", at("budget")))?;
            budget.push((probe.clone(), bytes));
        }
    }
    Ok(Configuration {
        name: name.to_string(),
        recipe: Recipe::parse(allocator).map_err(|e| format!("{}: {e}", at("allocator")))?,
        frees: flag("frees", false)?,
        threads: flag("threads", false)?,
        allocates: flag("allocates", true)?,
        whole_pages: flag("whole-pages", false)?,
        counts: flag("counts", false)?,
        checks: flag("checks", false)?,
        lol: table
            .get("lol")
            .and_then(toml::Value::as_str)
            .map(String::from),
        budget,
        control,
    })
}

fn reference(name: &str, value: &toml::Value) -> Result<Reference, String> {
    let table = value
        .as_table()
        .ok_or_else(|| format!("[reference.{name}] is not a table"))?;
    let text = |key: &str| {
        table
            .get(key)
            .and_then(toml::Value::as_str)
            .map(String::from)
    };
    let global = match (text("type"), text("init")) {
        (Some(ty), Some(init)) => Some((ty, init)),
        (None, None) => None,
        _ => return Err(format!("[reference.{name}]: `type` and `init` go together")),
    };
    Ok(Reference {
        name: name.to_string(),
        description: text("description")
            .ok_or_else(|| format!("[reference.{name}] description: missing"))?,
        feature: text("feature"),
        global,
        v1: table
            .get("v1")
            .and_then(toml::Value::as_bool)
            .unwrap_or(false),
        bench: text("bench"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_list_loads() {
        let list = List::load().unwrap();
        assert!(list.ours().any(|c| c.name == "binned-locked"));
        let binned = list.find("binned-locked").unwrap();
        assert!(binned.frees && binned.threads && binned.allocates);
        assert_eq!(binned.description(), "LockedAllocator<BinnedAllocator>");
        assert!(binned.budget("full").is_some() && binned.budget("v1-full").is_some());
        assert!(list.controls().any(|c| c.name == "free-unlocked"));
        assert!(list.reference("std").unwrap().global.is_none());
    }

    #[test]
    fn mistakes_are_named() {
        let err = List::parse("[x]\nallocator = \"FailAllocator\"\nfrees = 1\n").unwrap_err();
        assert!(err.contains("[x] frees"), "{err}");
        let err = List::parse("[x]\nallocator = \"FailAllocator\"\nfree = true\n").unwrap_err();
        assert!(err.contains("unknown key"), "{err}");
        let err = List::parse("[x]\nallocator = \"FailAllocator\"\nlol = \"y\"\n").unwrap_err();
        assert!(err.contains("is no [reference.*]"), "{err}");
    }
}
