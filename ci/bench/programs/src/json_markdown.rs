//! `json-markdown`: what a web front end does with data. Parses the workspace's `cargo metadata`
//! into a `serde_json::Value`, indexes the packages' dependencies in a `BTreeMap`, serializes the
//! document back to pretty JSON, and renders the README to HTML with pulldown-cmark.

use crate::inputs::{METADATA, README};
use std::collections::BTreeMap;

pub fn run() -> u64 {
    let value: serde_json::Value = serde_json::from_str(METADATA).expect("valid JSON");
    let mut dependencies: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for package in value["packages"].as_array().into_iter().flatten() {
        let name = package["name"].as_str().unwrap_or_default().to_string();
        let deps = package["dependencies"].as_array().into_iter().flatten();
        let names = deps.map(|d| d["name"].as_str().unwrap_or_default().to_string());
        dependencies.entry(name).or_default().extend(names);
    }
    let mut total = dependencies.values().map(Vec::len).sum::<usize>();
    total += serde_json::to_string_pretty(&value)
        .expect("serializable")
        .len();
    let mut html = String::new();
    let parser = pulldown_cmark::Parser::new_ext(README, pulldown_cmark::Options::all());
    pulldown_cmark::html::push_html(&mut html, parser);
    (total + html.len()) as u64
}
