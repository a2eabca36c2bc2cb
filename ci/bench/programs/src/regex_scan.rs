//! `regex`: a regular-expression engine at work. Compiles a dozen patterns of the kinds log and
//! text tools use (links, headings, code spans, numbers, versions, words, key-value pairs) and
//! collects every match in the README and the JSON document into owned strings, counted in a
//! `HashMap`.

use crate::inputs::{METADATA, README};
use regex::Regex;
use std::collections::HashMap;

const PATTERNS: &[&str] = &[
    r"\[([^\]]+)\]\(([^)]+)\)",
    r"(?m)^#{1,6} (.+)$",
    r"`([^`]+)`",
    r"\b\d+(?:[.,]\d+)*\b",
    r"\b\d+\.\d+\.\d+\b",
    r"\b[A-Z][a-z]+[A-Z][A-Za-z]*\b",
    r#""([a-z_]+)":\s*"([^"]*)""#,
    r"\b\w+@\w+\.\w+\b",
    r"https?://[^\s)>]+",
    r"(?i)\b(?:alloc|dealloc|realloc|grow)\w*\b",
    r"\b\w{12,}\b",
    r"(\w+)-(\w+)-(\w+)",
];

pub fn run() -> u64 {
    let patterns: Vec<Regex> = PATTERNS
        .iter()
        .map(|p| Regex::new(p).expect("valid pattern"))
        .collect();
    let mut counts: HashMap<String, u32> = HashMap::new();
    for text in [README, METADATA] {
        for pattern in &patterns {
            for found in pattern.find_iter(text) {
                *counts.entry(found.as_str().to_owned()).or_default() += 1;
            }
        }
    }
    let captured: Vec<String> = patterns[0]
        .captures_iter(README)
        .map(|c| format!("{} -> {}", &c[1], &c[2]))
        .collect();
    counts.values().map(|&n| u64::from(n)).sum::<u64>()
        + counts.len() as u64
        + captured.len() as u64
}
