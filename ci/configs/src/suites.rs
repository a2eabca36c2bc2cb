//! Which suites run which configurations: one rule per suite, from the configurations'
//! properties. `ci/test.sh` runs each suite over `configs list --suite NAME`, and each suite
//! leaves a mark for every configuration it ran ([`coverage`](crate::coverage)); `configs check`
//! then fails, naming the suite, for any configuration a rule calls for that has no mark.
//!
//! | suite | step of `ci/test.sh` | runs |
//! |---|---|---|
//! | `matrix` | `matrix` | every configuration, on the targets without threads |
//! | `matrix-threads` | `matrix` | `threads`: on `wasm32-wasip1-threads`, four threads at once |
//! | `matrix-wasmtime` | `matrix` | every configuration: the matrix's modules under wasmtime |
//! | `wasm`, `browser`, `firefox` | `wasm`, `browser`, `firefox` | every configuration that allocates |
//! | `wasi`, `wasmtime`, `wasip2` | `wasi`, `wasmtime` | every configuration that allocates |
//! | `wasi-threads`, `firefox-threads`, `wasmtime-threads` | `threads`, `firefox`, `wasmtime` | `threads`, allocating, not `whole-pages` |
//! | `shadow-model`, `fuzz-body`, `fuzz` | `host`, `fuzz` | every configuration |
//! | `host-threads` | `host` | `threads`, allocating, not `whole-pages` |
//! | `out-of-memory` | `host` | every configuration that allocates |
//! | `regressions` | `host` | every configuration that frees, but the checking ones |
//! | `bench` | `ci/bench.sh` (not a test) | freeing, not `threads` |
//!
//! The size gate measures every configuration (it reads the list itself).

use crate::Configuration;

/// Every suite, with its rule.
pub const SUITES: &[Suite] = &[
    suite("matrix", "every configuration", |_| true),
    suite("matrix-threads", "`threads`", |c| c.threads),
    suite("matrix-wasmtime", "every configuration", |_| true),
    suite("wasm", "configurations that allocate", |c| c.allocates),
    suite("browser", "configurations that allocate", |c| c.allocates),
    suite("firefox", "configurations that allocate", |c| c.allocates),
    suite("wasi", "configurations that allocate", |c| c.allocates),
    suite("wasmtime", "configurations that allocate", |c| c.allocates),
    suite("wasip2", "configurations that allocate", |c| c.allocates),
    suite("wasi-threads", MANY_CALLS, many_calls_from_threads),
    suite("firefox-threads", MANY_CALLS, many_calls_from_threads),
    suite("wasmtime-threads", MANY_CALLS, many_calls_from_threads),
    suite("shadow-model", "every configuration", |_| true),
    suite("fuzz-body", "every configuration", |_| true),
    suite("fuzz", "every configuration", |_| true),
    suite("host-threads", MANY_CALLS, many_calls_from_threads),
    suite("out-of-memory", "configurations that allocate", |c| {
        c.allocates
    }),
    suite("regressions", REUSES, |c| c.frees && !c.checks),
    suite("bench", "freeing, not `threads`", |c| c.frees && !c.threads),
];

const fn suite(name: &'static str, rule: &'static str, runs: fn(&Configuration) -> bool) -> Suite {
    Suite { name, rule, runs }
}

/// A suite and the rule that picks its configurations.
pub struct Suite {
    /// Its name, in `configs list --suite` and in the marks.
    pub name: &'static str,
    /// The rule in words, for messages.
    pub rule: &'static str,
    runs: fn(&Configuration) -> bool,
}

impl Suite {
    /// Whether this suite must run `config` (never a negative control).
    pub fn runs(&self, config: &Configuration) -> bool {
        !config.control && (self.runs)(config)
    }
}

/// A suite by name.
pub fn find(name: &str) -> Option<&'static Suite> {
    SUITES.iter().find(|s| s.name == name)
}

/// Memory freed is reused at once: the suites that check memory stays flat.
const REUSES: &str = "freeing, not `checks` (a checking wrapper's quarantine delays reuse)";

/// Hundreds of thousands of calls from several threads at once: not for an allocator that grows
/// memory on every call.
const MANY_CALLS: &str = "`threads`, allocating, not `whole-pages`";

fn many_calls_from_threads(c: &Configuration) -> bool {
    c.threads && c.allocates && !c.whole_pages
}
