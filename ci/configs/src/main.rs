//! `configs`: the list of configurations (`size-budget.toml`) for scripts.
//!
//! ```text
//! configs list [--suite NAME | --controls [threads | one-thread] | --all]
//!                                                    names, one a line: our configurations, those
//!                                                    a suite runs, the negative controls (those
//!                                                    that race, or those that fail in one
//!                                                    thread), or all
//! configs json                                       ours and the controls with their properties
//! configs mark SUITE CONFIG...                       records that SUITE ran each CONFIG
//!                                                    (under $ZEPTO_COVERAGE)
//! configs check SUITE...                             fails, naming the suite, when one of them
//!                                                    did not run a configuration it must
//! ```

use std::process::ExitCode;
use zepto_configs::{List, coverage, suites};

const USAGE: &str = "usage: configs list [--suite NAME | --controls [threads | one-thread] | --all] | configs json | \
                     configs mark SUITE CONFIG... | configs check SUITE...";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("configs: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let list = List::load()?;
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["list"] => print(list.ours().map(|c| &c.name)),
        ["list", "--controls"] => print(list.controls().map(|c| &c.name)),
        // The controls that fail only when threads run (`threads`), and those that fail in one.
        ["list", "--controls", "threads"] => {
            print(list.controls().filter(|c| c.threads).map(|c| &c.name))
        }
        ["list", "--controls", "one-thread"] => {
            print(list.controls().filter(|c| !c.threads).map(|c| &c.name))
        }
        ["list", "--all"] => print(list.configurations.iter().map(|c| &c.name)),
        ["list", "--suite", name] => {
            let suite = suites::find(name).ok_or_else(|| {
                let names: Vec<&str> = suites::SUITES.iter().map(|s| s.name).collect();
                format!("no suite {name:?} (suites: {})", names.join(", "))
            })?;
            print(list.ours().filter(|c| suite.runs(c)).map(|c| &c.name));
        }
        ["json"] => println!("{}", json(&list)),
        ["mark", suite, configs @ ..] if !configs.is_empty() => {
            suites::find(suite).ok_or_else(|| format!("no suite {suite:?}"))?;
            std::env::var_os(coverage::VARIABLE)
                .ok_or_else(|| format!("mark: {} is not set", coverage::VARIABLE))?;
            for config in configs {
                list.find(config)
                    .ok_or_else(|| format!("mark: no configuration {config:?}"))?;
                coverage::mark(suite, config);
            }
        }
        ["check", suites @ ..] if !suites.is_empty() => {
            let dir = std::env::var_os(coverage::VARIABLE)
                .ok_or_else(|| format!("check: {} is not set", coverage::VARIABLE))?;
            coverage::check(&list, dir.as_ref(), suites)?;
            println!(
                "every suite ran every configuration it must: {}",
                suites.join(", ")
            );
        }
        _ => return Err(USAGE.into()),
    }
    Ok(())
}

fn print<'a>(names: impl Iterator<Item = &'a String>) {
    for name in names {
        println!("{name}");
    }
}

/// `{"binned": {"frees": true, ...}, ...}` for ours and the controls: what the Node drivers need.
fn json(list: &List) -> String {
    let entries: Vec<String> = list
        .configurations
        .iter()
        .map(|c| {
            format!(
                "  {:?}: {{\"frees\": {}, \"threads\": {}, \"allocates\": {}, \"wholePages\": {}, \
                 \"counts\": {}, \"checks\": {}, \"control\": {}}}",
                c.name,
                c.frees,
                c.threads,
                c.allocates,
                c.whole_pages,
                c.counts,
                c.checks,
                c.control
            )
        })
        .collect();
    format!("{{\n{}\n}}", entries.join(",\n"))
}
