//! The inputs the programs work on, compiled in.

/// This repository's README (Markdown, about 70 KB).
pub const README: &str = include_str!("../../../../README.md");

/// `cargo metadata` of this workspace, with local paths replaced (JSON, 270 KB).
pub const METADATA: &str = include_str!("../cargo-metadata.json");

/// The crate's Rust sources that the front end parses.
pub const SOURCES: &[&str] = &[
    include_str!("../../../../src/binned.rs"),
    include_str!("../../../../src/free_list.rs"),
    include_str!("../../../../src/checked.rs"),
    include_str!("../../../../src/locked.rs"),
    include_str!("../../../../src/lib.rs"),
];
