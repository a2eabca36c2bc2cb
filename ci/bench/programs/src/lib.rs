//! Real programs, as wasm programs run them: the benchmark builds them into its module with each
//! allocator and runs each whole ([`PROGRAMS`], the module's `program` export), and the tracer
//! records each one's allocation calls for the trace replays (`ci/bench/trace/`). Each is a
//! function of no arguments over inputs compiled in (this repository's README and sources, and
//! the `cargo metadata` of its workspace), returning a checksum of what it made, so the optimiser
//! cannot drop the work and every allocator can be seen to compute the same result.
//!
//! | program | kind | what it does |
//! |---|---|---|
//! | `json-markdown` | a web front end's data | parses 270 KB of JSON into a `serde_json::Value`, indexes it in a `BTreeMap`, serializes it again; renders the README to HTML (pulldown-cmark) |
//! | `front-end` | a compiler front end | parses the crate's Rust sources into syntax trees (syn), walks them, prints them back as tokens |
//! | `regex` | a regular-expression engine | compiles a dozen patterns and collects every match in the README and the JSON, counted in a `HashMap` |
//! | `deflate` | a compression codec | compresses the JSON and the README (miniz_oxide, level 6) and decompresses them again |
//! | `index` | maps built and queried | an inverted index of every word in the README and sources (`HashMap<String, Vec<u32>>`), queried for each word, and its top words in a `BTreeMap` |

mod deflate;
mod front_end;
mod index;
mod inputs;
mod json_markdown;
mod regex_scan;

/// A program: its name in the benchmark's tables, the function that runs it once, and the trace
/// of its allocator calls.
pub struct Program {
    /// The name in tables and trace files (`ci/bench/trace/NAME.trace`).
    pub name: &'static str,
    /// Runs it once; returns a checksum of its output.
    pub run: fn() -> u64,
    /// Its allocation trace, recorded by `ci/bench/tracer` (format: `ci/bench/trace/README.md`).
    pub trace: &'static [u8],
}

/// A program named `$name`, run by `$run`, its trace in `ci/bench/trace/$name.trace`.
macro_rules! program {
    ($name:literal, $run:path) => {
        Program {
            name: $name,
            run: $run,
            trace: include_bytes!(concat!("../../trace/", $name, ".trace")),
        }
    };
}

/// Every program, in the order the benchmark reports them. Adding one: its module here, a line
/// below, an empty `ci/bench/trace/NAME.trace`, then record the traces (`ci/bench/trace/`).
pub const PROGRAMS: &[Program] = &[
    program!("json-markdown", json_markdown::run),
    program!("front-end", front_end::run),
    program!("regex", regex_scan::run),
    program!("deflate", deflate::run),
    program!("index", index::run),
];
