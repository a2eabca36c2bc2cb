//! The configurations the gate measures: ours, and the reference rows built in the same run.
//!
//! They come from the one list, `size-budget.toml` (read through `ci/configs`): [`all`] takes ours
//! and the reference rows from it, for `wasm32-unknown-unknown`, and ours and lol_alloc's again for
//! `wasm32v1-none` (named `v1-<name>`).

use std::sync::OnceLock;

/// The targets the gate builds for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// `wasm32-unknown-unknown`: every configuration, std's and the peers' included.
    Unknown,
    /// `wasm32v1-none`: MVP features only, no std; ours and lol_alloc's.
    V1None,
}

impl Target {
    pub fn triple(self) -> &'static str {
        match self {
            Target::Unknown => "wasm32-unknown-unknown",
            Target::V1None => "wasm32v1-none",
        }
    }
}

/// Who a configuration's allocator comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// This crate: gated against `size-budget.toml`.
    Ours,
    /// lol_alloc 0.4.1, the crate users switch from.
    Lol,
    /// std's default allocator (dlmalloc).
    Std,
    /// Another published allocator, for the benchmark's size axis.
    Peer,
}

/// One `#[global_allocator]` choice of `example/`, on one target.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Name in tables: the list's name, `v1-` in front for `wasm32v1-none`.
    pub name: &'static str,
    /// The list's name, which `ZEPTO_CONFIG` selects (`None`: std's allocator, no global one).
    pub select: Option<&'static str>,
    /// The `example/` feature that brings in the allocator's crate (reference rows).
    pub feature: Option<&'static str>,
    pub origin: Origin,
    /// For ours: the lol_alloc configuration it replaces.
    pub lol: Option<&'static str>,
    /// What it is, for the report.
    pub description: &'static str,
    pub target: Target,
    /// It refuses every request (`FailAllocator`, ours or lol_alloc's).
    pub always_fails: bool,
    /// A checking wrapper, which traps on misuse by design.
    pub checks: bool,
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Every configuration of the list (size-budget.toml, read through ci/configs): ours first, in
/// the list's order (`fail` first: it is the floor the others are measured over), then the
/// reference rows; then ours and lol_alloc's again for `wasm32v1-none` (named `v1-<name>`), whose
/// example is `no_std` (std's allocator and the peers are left out there). The negative controls
/// are not measured.
pub fn all() -> &'static [Config] {
    static ALL: OnceLock<Vec<Config>> = OnceLock::new();
    ALL.get_or_init(|| {
        let list = zepto_configs::List::load().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            list.ours().next().map(|c| c.name.as_str()),
            Some("fail"),
            "size-budget.toml: `fail` must come first, the floor of every row"
        );
        let mut base = Vec::new();
        for config in list.ours() {
            base.push(Config {
                name: leak(config.name.clone()),
                select: Some(leak(config.name.clone())),
                feature: None,
                origin: Origin::Ours,
                lol: config.lol.clone().map(leak),
                description: leak(config.description()),
                target: Target::Unknown,
                always_fails: !config.allocates,
                checks: config.checks,
            });
        }
        for reference in &list.references {
            let origin = match (reference.name.as_str(), &reference.global) {
                (_, None) => Origin::Std,
                (name, _) if name.starts_with("lol-") => Origin::Lol,
                _ => Origin::Peer,
            };
            base.push(Config {
                name: leak(reference.name.clone()),
                select: reference
                    .global
                    .as_ref()
                    .map(|_| leak(reference.name.clone())),
                feature: reference.feature.clone().map(leak),
                origin,
                lol: None,
                description: leak(reference.description.clone()),
                target: Target::Unknown,
                always_fails: reference.name == "lol-fail",
                checks: false,
            });
        }
        let v1 = base
            .iter()
            .filter(|c| c.origin == Origin::Ours || list.reference(c.name).is_some_and(|r| r.v1))
            .map(|c| Config {
                name: leak(format!("v1-{}", c.name)),
                lol: c.lol.map(|lol| leak(format!("v1-{lol}"))),
                description: leak(format!("{} (wasm32v1-none)", c.description)),
                target: Target::V1None,
                ..*c
            })
            .collect::<Vec<_>>();
        base.into_iter().chain(v1).collect()
    })
}

/// The floor a configuration is measured over: what the probe costs with an allocator that does
/// nothing (ours, or lol_alloc's for its rows), built for the same target.
pub fn floor(config: &Config) -> &'static str {
    floor_on(config.target, config.origin == Origin::Lol)
}

/// The floor on `target`: lol_alloc's `FailAllocator` when `lol`, else ours.
pub fn floor_on(target: Target, lol: bool) -> &'static str {
    match (target, lol) {
        (Target::Unknown, false) => "fail",
        (Target::Unknown, true) => "lol-fail",
        (Target::V1None, false) => "v1-fail",
        (Target::V1None, true) => "v1-lol-fail",
    }
}

pub fn find(name: &str) -> Option<&'static Config> {
    all().iter().find(|config| config.name == name)
}

/// The two probes of `example/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Probe {
    /// `hello()` boxes a `u8`, `goodbye(p)` frees it: lol_alloc's own example.
    Box,
    /// `alloc`, `alloc_zeroed`, `realloc`, `dealloc` with run-time layouts.
    Full,
}

impl Probe {
    pub const BOTH: [Probe; 2] = [Probe::Box, Probe::Full];

    pub fn name(self) -> &'static str {
        match self {
            Probe::Box => "box",
            Probe::Full => "full",
        }
    }
}
