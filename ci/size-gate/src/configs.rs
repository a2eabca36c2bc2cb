//! The configurations the gate measures: ours, and the reference rows built in the same run.
//!
//! [`BASE`] lists them once, for `wasm32-unknown-unknown`; [`all`] adds ours and lol_alloc's again
//! for `wasm32v1-none` (named `v1-<name>`), so a configuration is listed in one place only.

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

    /// The prefix of this target's configuration names.
    fn prefix(self) -> &'static str {
        match self {
            Target::Unknown => "",
            Target::V1None => "v1-",
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

/// One `#[global_allocator]` choice of `example/`.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Name in tables and in `size-budget.toml`.
    pub name: &'static str,
    /// The `example/` feature that selects it (`None`: std's allocator, no feature).
    pub feature: Option<&'static str>,
    pub origin: Origin,
    /// For ours: the lol_alloc configuration it replaces.
    pub lol: Option<&'static str>,
    /// What it is, for the report.
    pub description: &'static str,
    pub target: Target,
}

const fn ours(name: &'static str, lol: &'static str, description: &'static str) -> Config {
    Config {
        name,
        feature: Some(name),
        origin: Origin::Ours,
        lol: Some(lol),
        description,
        target: Target::Unknown,
    }
}

const fn peer(name: &'static str, description: &'static str) -> Config {
    Config {
        name,
        feature: Some(name),
        origin: Origin::Peer,
        lol: None,
        description,
        target: Target::Unknown,
    }
}

/// One of ours with no lol_alloc counterpart.
const fn ours_new(name: &'static str, description: &'static str) -> Config {
    Config {
        name,
        feature: Some(name),
        origin: Origin::Ours,
        lol: None,
        description,
        target: Target::Unknown,
    }
}

const fn lol(name: &'static str, description: &'static str) -> Config {
    Config {
        name,
        feature: Some(name),
        origin: Origin::Lol,
        lol: None,
        description,
        target: Target::Unknown,
    }
}

/// Every configuration for `wasm32-unknown-unknown`, ours first. `fail` must stay first: it is the
/// floor the others are measured over.
pub const BASE: &[Config] = &[
    ours("fail", "lol-fail", "FailAllocator"),
    ours("page", "lol-page", "LeakingPageAllocator"),
    ours("leak", "lol-leak", "AssumeSingleThreaded<LeakingAllocator>"),
    ours(
        "free",
        "lol-free",
        "AssumeSingleThreaded<FreeListAllocator>",
    ),
    ours(
        "leak-locked",
        "lol-leak-locked",
        "LockedAllocator<LeakingAllocator>",
    ),
    ours(
        "free-locked",
        "lol-free-locked",
        "LockedAllocator<FreeListAllocator>",
    ),
    ours_new("binned", "AssumeSingleThreaded<BinnedAllocator>"),
    ours_new("binned-locked", "LockedAllocator<BinnedAllocator>"),
    lol("lol-fail", "lol_alloc FailAllocator"),
    lol("lol-page", "lol_alloc LeakingPageAllocator"),
    lol(
        "lol-leak",
        "lol_alloc AssumeSingleThreaded<LeakingAllocator>",
    ),
    lol(
        "lol-free",
        "lol_alloc AssumeSingleThreaded<FreeListAllocator>",
    ),
    lol(
        "lol-leak-locked",
        "lol_alloc LockedAllocator<LeakingAllocator>",
    ),
    lol(
        "lol-free-locked",
        "lol_alloc LockedAllocator<FreeListAllocator>",
    ),
    peer("talc", "talc 5.1.1 WasmDynamicTalc"),
    peer("rlsf", "rlsf 0.2.3 SmallGlobalTlsf"),
    peer("dlmalloc", "dlmalloc 0.2.14 GlobalDlmalloc"),
    peer("wee_alloc", "wee_alloc 0.4.5 WeeAlloc"),
    Config {
        name: "std",
        feature: None,
        origin: Origin::Std,
        lol: None,
        description: "std's default allocator (dlmalloc)",
        target: Target::Unknown,
    },
];

/// Every configuration: [`BASE`], then ours and lol_alloc's for `wasm32v1-none`, whose example
/// is `no_std` (std's allocator and the peers are left out there).
pub fn all() -> &'static [Config] {
    static ALL: OnceLock<Vec<Config>> = OnceLock::new();
    ALL.get_or_init(|| {
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        let target = Target::V1None;
        let again = BASE
            .iter()
            .filter(|c| matches!(c.origin, Origin::Ours | Origin::Lol))
            .map(|c| Config {
                name: leak(format!("{}{}", target.prefix(), c.name)),
                feature: c.feature,
                origin: c.origin,
                lol: c.lol.map(|lol| leak(format!("{}{lol}", target.prefix()))),
                description: leak(format!("{} ({})", c.description, target.triple())),
                target,
            });
        BASE.iter().copied().chain(again).collect()
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

impl Config {
    /// `FailAllocator`, ours or lol_alloc's: refuses every request.
    pub fn always_fails(&self) -> bool {
        matches!(self.feature, Some("fail" | "lol-fail"))
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
