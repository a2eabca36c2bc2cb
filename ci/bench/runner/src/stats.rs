//! Runs in, medians and ratios out.

use std::collections::BTreeMap;

/// One timed run of one workload on one allocator.
pub struct Run {
    pub allocator: String,
    pub workload: String,
    pub nanoseconds: f64,
    pub calls: f64,
    pub peak_live: f64,
    pub grown: f64,
}

impl Run {
    /// Parses a line of `run.mjs`: round, allocator, workload, ns, calls, peak, grown.
    pub fn parse(line: &str) -> Result<Self, String> {
        let fields: Vec<&str> = line.split('\t').collect();
        let number = |i: usize| -> Result<f64, String> {
            fields
                .get(i)
                .and_then(|f| f.parse().ok())
                .ok_or_else(|| format!("bad line from run.mjs: {line:?}"))
        };
        Ok(Self {
            allocator: fields.get(1).ok_or("short line")?.to_string(),
            workload: fields.get(2).ok_or("short line")?.to_string(),
            nanoseconds: number(3)?,
            calls: number(4)?,
            peak_live: number(5)?,
            grown: number(6)?,
        })
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// A group of workloads reported in tables of their own: a heading, the workloads, and whether
/// they are whole programs (timed per run) or allocator calls (timed per call).
pub struct Group<'a> {
    pub heading: &'a str,
    pub workloads: Vec<&'a str>,
    pub whole: bool,
}

/// Medians per allocator and workload.
pub struct Summary {
    allocators: Vec<String>,
    workloads: Vec<String>,
    baseline: String,
    /// Median nanoseconds per allocator call.
    ns_per_call: BTreeMap<(String, String), f64>,
    /// Median nanoseconds per run.
    ns_per_run: BTreeMap<(String, String), f64>,
    /// Median bytes of linear memory grown in a run.
    grown: BTreeMap<(String, String), f64>,
    /// Median peak live bytes over memory grown.
    efficiency: BTreeMap<(String, String), f64>,
    calls: BTreeMap<(String, String), f64>,
}

impl Summary {
    pub fn new(
        runs: &[Run],
        allocators: &[&str],
        workloads: &[&str],
        baseline: &str,
    ) -> Result<Self, String> {
        let mut ns_per_call = BTreeMap::new();
        let mut ns_per_run = BTreeMap::new();
        let mut grown = BTreeMap::new();
        let mut efficiency = BTreeMap::new();
        let mut calls = BTreeMap::new();
        for allocator in allocators {
            for workload in workloads {
                let mine: Vec<&Run> = runs
                    .iter()
                    .filter(|r| r.allocator == *allocator && r.workload == *workload)
                    .collect();
                if mine.is_empty() {
                    return Err(format!("no runs of {workload} on {allocator}"));
                }
                let key = (allocator.to_string(), workload.to_string());
                ns_per_call.insert(
                    key.clone(),
                    median(
                        mine.iter()
                            .map(|r| r.nanoseconds / r.calls.max(1.0))
                            .collect(),
                    ),
                );
                ns_per_run.insert(
                    key.clone(),
                    median(mine.iter().map(|r| r.nanoseconds).collect()),
                );
                grown.insert(key.clone(), median(mine.iter().map(|r| r.grown).collect()));
                efficiency.insert(
                    key.clone(),
                    median(
                        mine.iter()
                            .map(|r| r.peak_live / r.grown.max(1.0))
                            .collect(),
                    ),
                );
                calls.insert(key, median(mine.iter().map(|r| r.calls).collect()));
            }
        }
        Ok(Self {
            allocators: allocators.iter().map(|s| s.to_string()).collect(),
            workloads: workloads.iter().map(|s| s.to_string()).collect(),
            baseline: baseline.to_string(),
            ns_per_call,
            ns_per_run,
            grown,
            efficiency,
            calls,
        })
    }

    fn key(a: &str, w: &str) -> (String, String) {
        (a.to_string(), w.to_string())
    }

    /// How many times faster than the baseline (`> 1` is faster): per run, which for the same
    /// work is per call too.
    pub fn speedup(&self, allocator: &str, workload: &str) -> f64 {
        self.ns_per_run[&Self::key(&self.baseline, workload)]
            / self.ns_per_run[&Self::key(allocator, workload)]
    }

    /// The geometric mean of the speed-ups over all workloads.
    pub fn mean_speedup(&self, allocator: &str) -> f64 {
        let all: Vec<&str> = self.workloads.iter().map(String::as_str).collect();
        self.group_speedup(allocator, &all)
    }

    /// The geometric mean of the speed-ups over `workloads`.
    fn group_speedup(&self, allocator: &str, workloads: &[&str]) -> f64 {
        let logs: f64 = workloads
            .iter()
            .map(|w| self.speedup(allocator, w).ln())
            .sum();
        (logs / workloads.len() as f64).exp()
    }

    /// A group's speed table: milliseconds per run for whole programs, nanoseconds per call
    /// otherwise, each with its speed-up over the baseline, and their geometric mean.
    fn speed_table(&self, out: &mut String, sizes: &BTreeMap<&str, u64>, group: &Group<'_>) {
        out.push_str("| allocator | `full` bytes |");
        for w in &group.workloads {
            out.push_str(&format!(" {w} |"));
        }
        out.push_str(" geometric mean |\n|---|--:|");
        out.push_str(&"--:|".repeat(group.workloads.len() + 1));
        out.push('\n');
        for a in &self.allocators {
            out.push_str(&format!("| {a} | {} |", sizes[a.as_str()]));
            for w in &group.workloads {
                let figure = if group.whole {
                    format!("{:.1}", self.ns_per_run[&Self::key(a, w)] / 1e6)
                } else {
                    format!("{:.0}", self.ns_per_call[&Self::key(a, w)])
                };
                out.push_str(&format!(" {figure} ({:.2}×) |", self.speedup(a, w)));
            }
            out.push_str(&format!(
                " {:.2}× |\n",
                self.group_speedup(a, &group.workloads)
            ));
        }
    }

    /// A group's memory table: heap efficiency (peak live bytes over memory grown), and for whole
    /// programs memory grown relative to the baseline's.
    fn memory_table(&self, out: &mut String, group: &Group<'_>) {
        out.push_str("| allocator |");
        for w in &group.workloads {
            out.push_str(&format!(" {w} |"));
        }
        out.push_str("\n|---|");
        out.push_str(&"--:|".repeat(group.workloads.len()));
        out.push('\n');
        for a in &self.allocators {
            out.push_str(&format!("| {a} |"));
            for w in &group.workloads {
                let efficiency = self.efficiency[&Self::key(a, w)] * 100.0;
                if group.whole {
                    let memory = self.grown[&Self::key(a, w)]
                        / self.grown[&Self::key(&self.baseline, w)].max(1.0);
                    out.push_str(&format!(" {efficiency:.0}% ({memory:.2}×) |"));
                } else {
                    out.push_str(&format!(" {efficiency:.0}% |"));
                }
            }
            out.push('\n');
        }
    }

    /// The report: for each group a speed table and a memory table, then how it was measured.
    pub fn markdown(
        &self,
        groups: &[Group<'_>],
        sizes: &BTreeMap<&str, u64>,
        environment: &str,
        rounds: u32,
        level: &str,
    ) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "Medians over {rounds} interleaved rounds, and in parentheses the speed-up over std's \
             default allocator (dlmalloc) in the same run (higher is faster).\n"
        ));
        for group in groups {
            let unit = if group.whole {
                "milliseconds per run of the whole program"
            } else {
                "nanoseconds per allocator call"
            };
            out.push_str(&format!("\n**{}**, {unit}:\n\n", group.heading));
            self.speed_table(&mut out, sizes, group);
        }
        out.push_str(
            "\nHeap efficiency: peak live bytes over linear memory grown during the run (higher is \
             tighter); for the whole programs, in parentheses, memory grown over std's default \
             allocator's (lower is smaller).\n",
        );
        for group in groups {
            out.push_str(&format!("\n**{}**:\n\n", group.heading));
            self.memory_table(&mut out, group);
        }
        let calls: Vec<String> = self
            .workloads
            .iter()
            .map(|w| format!("{w}: {:.0}", self.calls[&Self::key(&self.baseline, w)]))
            .collect();
        out.push_str(&format!(
            "\nAllocator calls per run: {}. Measured by `ci/bench.sh`: {environment}. Sizes are the \
             size gate's `full` probe (opt-level \"z\"); the benchmark modules are built with {level}, \
             fat LTO, every allocator the same way.\n",
            calls.join(", ")
        ));
        out
    }
}
