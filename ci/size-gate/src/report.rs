//! The gate's outputs: the terminal table, `target/size-report.md` and the README's size table.

use crate::build::Tools;
use crate::configs::{Config, Origin, Probe, Target};

/// One measured configuration and probe, with what it is compared against.
pub struct Row {
    pub config: &'static Config,
    pub probe: Probe,
    pub bytes: u64,
    /// Bytes over the floor (`fail`, or lol_alloc's `FailAllocator` for lol rows).
    pub allocator: i64,
    pub budget: Option<u64>,
    /// lol_alloc's bytes and allocator bytes for the same configuration.
    pub lol: Option<(u64, i64)>,
    /// The baseline's bytes, when comparing against one.
    pub baseline: Option<u64>,
}

impl Row {
    /// "−123 (−31%)": our allocator bytes against lol_alloc's.
    fn versus_lol(&self) -> String {
        match self.lol {
            Some((bytes, allocator)) => {
                let delta = self.bytes as i64 - bytes as i64;
                if allocator > 0 {
                    let percent = (self.allocator - allocator) as f64 * 100.0 / allocator as f64;
                    format!("{} B ({}%)", signed(delta), signed_f(percent))
                } else {
                    format!("{} B", signed(delta))
                }
            }
            None => "—".into(),
        }
    }

    fn versus_baseline(&self) -> String {
        match self.baseline {
            Some(old) => signed(self.bytes as i64 - old as i64),
            None => "new".into(),
        }
    }
}

fn signed(value: i64) -> String {
    match value {
        0 => "0".into(),
        v if v > 0 => format!("+{v}"),
        v => format!("−{}", -v),
    }
}

fn signed_f(value: f64) -> String {
    let rounded = value.round() as i64;
    signed(rounded)
}

fn opt(value: Option<u64>) -> String {
    value.map_or_else(|| "—".into(), |v| v.to_string())
}

const HEADERS: [&str; 7] = [
    "configuration",
    "probe",
    "bytes",
    "allocator bytes",
    "budget",
    "lol_alloc 0.4.1",
    "vs lol_alloc",
];

fn cells(row: &Row) -> Vec<String> {
    vec![
        row.config.name.to_string(),
        row.probe.name().to_string(),
        row.bytes.to_string(),
        row.allocator.to_string(),
        opt(row.budget),
        opt(row.lol.map(|(bytes, _)| bytes)),
        row.versus_lol(),
    ]
}

/// The table for the terminal, with aligned columns.
pub fn terminal_table(rows: &[Row], with_baseline: bool) -> String {
    let mut headers: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    if with_baseline {
        headers.push("vs baseline".into());
    }
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let mut cells = cells(row);
            if with_baseline {
                cells.push(row.versus_baseline());
            }
            cells
        })
        .collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| {
            body.iter()
                .map(|r| r[i].chars().count())
                .chain([headers[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, &width))| {
                let pad = width - cell.chars().count();
                if i < 2 {
                    format!("{cell}{}", " ".repeat(pad))
                } else {
                    format!("{}{cell}", " ".repeat(pad))
                }
            })
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    let mut out = line(&headers);
    out.push('\n');
    for cells in &body {
        out.push_str(&line(cells));
        out.push('\n');
    }
    out
}

fn markdown_table(rows: &[Row], with_baseline: bool) -> String {
    let mut out = String::new();
    let mut headers: Vec<&str> = HEADERS.to_vec();
    if with_baseline {
        headers.push("vs baseline");
    }
    out.push_str(&format!("| {} |\n", headers.join(" | ")));
    out.push_str(&format!(
        "|{}\n",
        ["---|", "---|"].concat() + &"--:|".repeat(headers.len() - 2)
    ));
    for row in rows {
        let mut cells = cells(row);
        cells[0] = format!("`{}`", cells[0]);
        if with_baseline {
            cells.push(row.versus_baseline());
        }
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// Details of one configuration for the report: twiggy's view of its module.
pub struct Detail {
    pub title: String,
    pub top: String,
    pub diff: Option<String>,
}

/// `target/size-report.md`: fit to post as a pull-request comment.
pub fn markdown_report(
    tools: &Tools,
    rows: &[Row],
    failures: &[String],
    notes: &[String],
    details: &[Detail],
    baseline: Option<&str>,
) -> String {
    let mut out = String::from("## zepto_alloc size report\n\n");
    if failures.is_empty() {
        out.push_str("**Size gate: passed.** Every configuration is within its budget.\n\n");
    } else {
        out.push_str("**Size gate: failed.**\n\n");
        for failure in failures {
            out.push_str(&format!("- {failure}\n"));
        }
        out.push('\n');
    }
    if let Some(baseline) = baseline {
        out.push_str(&format!("Compared with `{baseline}`.\n\n"));
    }
    out.push_str(&markdown_table(rows, baseline.is_some()));
    out.push_str(&format!(
        "\nBytes of the `.wasm` after `wasm-opt -Oz`, stripped. *Allocator bytes* are over the \
         `fail` configuration with the same probe. {}; {}; twiggy {}.\n",
        tools.rustc_version, tools.wasm_opt_version, tools.twiggy_version
    ));
    if !notes.is_empty() {
        out.push_str(
            "\nThe trap scan found exports that compile to a lone `unreachable` in these reference \
             modules (other crates'; for information):\n\n",
        );
        for note in notes {
            out.push_str(&format!("- {note}\n"));
        }
    }
    for detail in details {
        out.push_str(&format!(
            "\n<details><summary>{}</summary>\n\n```text\n{}\n```\n",
            detail.title, detail.top
        ));
        if let Some(diff) = &detail.diff {
            out.push_str(&format!(
                "\n`twiggy diff` from the baseline:\n\n```text\n{diff}\n```\n"
            ));
        }
        out.push_str("</details>\n");
    }
    out
}

/// Markers around the README's generated size table.
pub const README_BEGIN: &str =
    "<!-- size-table:begin: generated by `ci/size-check.sh --write-readme` -->";
pub const README_END: &str = "<!-- size-table:end -->";

/// The README's size table: our configurations beside lol_alloc's and std's dlmalloc.
pub fn readme_table(tools: &Tools, rows: &[Row]) -> String {
    let find = |name: &str, probe: Probe| {
        rows.iter()
            .find(|r| r.config.name == name && r.probe == probe)
    };
    let mut out = String::new();
    out.push_str("| configuration | `box` | `full` | allocator bytes `box` / `full` | lol_alloc 0.4.1 `box` / `full` | allocator bytes vs lol_alloc `full` |\n");
    out.push_str("|---|--:|--:|--:|--:|--:|\n");
    let mut names: Vec<&'static Config> = Vec::new();
    for row in rows {
        if !names.iter().any(|c| c.name == row.config.name) && row.config.origin != Origin::Lol {
            names.push(row.config);
        }
    }
    for config in names {
        let (Some(b), Some(f)) = (
            find(config.name, Probe::Box),
            find(config.name, Probe::Full),
        ) else {
            continue;
        };
        let lol = match (b.lol, f.lol) {
            (Some((lb, _)), Some((lf, _))) => format!("{lb} / {lf}"),
            _ => "—".into(),
        };
        let versus = match f.lol {
            Some((_, allocator)) if allocator > 0 => {
                format!(
                    "{}%",
                    signed_f((f.allocator - allocator) as f64 * 100.0 / allocator as f64)
                )
            }
            _ => "—".into(),
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} / {} | {lol} | {versus} |\n",
            config.description, b.bytes, f.bytes, b.allocator, f.allocator
        ));
    }
    out.push_str(&format!(
        "\nMeasured by `ci/size-check.sh` with {} and {}.\n",
        tools.rustc_version, tools.wasm_opt_version
    ));
    out
}

/// `text` with the block between the size-table markers replaced by `table`, each line of it
/// prefixed with `prefix` (`"//! "` in the crate docs), or an error if the markers are missing.
pub fn with_table(text: &str, table: &str, prefix: &str) -> Result<String, String> {
    let begin = text
        .find(README_BEGIN)
        .ok_or("the size-table begin marker is missing")?;
    let end = text
        .find(README_END)
        .ok_or("the size-table end marker is missing")?;
    let start = begin + README_BEGIN.len();
    let lines: String = table
        .lines()
        .map(|line| format!("{}\n", format!("{prefix}{line}").trim_end()))
        .collect();
    Ok(format!(
        "{}\n{lines}{prefix}{}",
        &text[..start],
        &text[end..]
    ))
}

/// The crate docs' size table: bytes each allocator adds in the `full` probe, ours (unwrapped by
/// a lock) and the peers'.
pub fn crate_docs_table(tools: &Tools, rows: &[Row]) -> String {
    let mut out = String::from("| allocator | bytes it adds |\n|---|--:|\n");
    for row in rows
        .iter()
        .filter(|r| r.probe == Probe::Full && r.config.target == Target::Unknown)
    {
        let name = row.config.name;
        let shown = match row.config.origin {
            Origin::Ours => name != "fail" && !name.ends_with("-locked"),
            Origin::Lol => name == "lol-free",
            Origin::Peer | Origin::Std => true,
        };
        if shown {
            out.push_str(&format!(
                "| `{}` | {} |\n",
                row.config.description, row.allocator
            ));
        }
    }
    out.push_str(&format!(
        "\nMeasured with {} and {}.\n",
        tools.rustc_version, tools.wasm_opt_version
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_replace_the_block_between_the_markers_with_a_prefix() {
        let text =
            format!("//! intro\n//! {README_BEGIN}\n//! | old |\n//! {README_END}\n//! outro\n");
        let fresh = with_table(&text, "| new |\n\nnote\n", "//! ").unwrap();
        assert_eq!(
            fresh,
            format!(
                "//! intro\n//! {README_BEGIN}\n//! | new |\n//!\n//! note\n//! {README_END}\n//! outro\n"
            )
        );
        assert_eq!(
            with_table(&fresh, "| new |\n\nnote\n", "//! ").unwrap(),
            fresh,
            "idempotent"
        );
        assert!(with_table("no markers", "x", "").is_err());
    }
}
