//! `index`: maps built and queried, as a search box or an editor's symbol table does. Builds an
//! inverted index of every word of the README and the crate's sources (`HashMap<String,
//! Vec<u32>>`: word to positions), queries it for every word again, and keeps the hundred most
//! frequent words in a `BTreeMap` keyed by count.

use crate::inputs::{README, SOURCES};
use std::collections::{BTreeMap, HashMap};

pub fn run() -> u64 {
    let mut index: HashMap<String, Vec<u32>> = HashMap::new();
    let texts = std::iter::once(README).chain(SOURCES.iter().copied());
    let mut position = 0u32;
    for text in texts {
        for word in text.split(|c: char| !c.is_alphanumeric() && c != '_') {
            if !word.is_empty() {
                index.entry(word.to_lowercase()).or_default().push(position);
                position += 1;
            }
        }
    }
    let mut hits = 0u64;
    for word in README.split_whitespace() {
        hits += index.get(&word.to_lowercase()).map_or(0, Vec::len) as u64;
    }
    let mut top: BTreeMap<(usize, String), ()> = BTreeMap::new();
    for (word, positions) in &index {
        top.insert((positions.len(), word.clone()), ());
        if top.len() > 100 {
            top.pop_first();
        }
    }
    hits + top.keys().map(|(n, _)| *n as u64).sum::<u64>()
}
