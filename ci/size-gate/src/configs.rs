//! The configurations the gate measures: ours, and the reference rows built in the same run.

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
}

const fn ours(name: &'static str, lol: &'static str, description: &'static str) -> Config {
    Config {
        name,
        feature: Some(name),
        origin: Origin::Ours,
        lol: Some(lol),
        description,
    }
}

const fn peer(name: &'static str, description: &'static str) -> Config {
    Config {
        name,
        feature: Some(name),
        origin: Origin::Peer,
        lol: None,
        description,
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
    }
}

const fn lol(name: &'static str, description: &'static str) -> Config {
    Config {
        name,
        feature: Some(name),
        origin: Origin::Lol,
        lol: None,
        description,
    }
}

/// Every configuration, ours first. `fail` must stay first: it is the floor the others are
/// measured over.
pub const ALL: &[Config] = &[
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
    },
];

/// The floor configurations: what the probe costs with an allocator that does nothing.
pub const FLOOR: &str = "fail";
pub const LOL_FLOOR: &str = "lol-fail";

pub fn find(name: &str) -> Option<&'static Config> {
    ALL.iter().find(|config| config.name == name)
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
