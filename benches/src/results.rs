//! Benchmark result files: the JSON shape every benchmark of the project writes (one object
//! per bench with its rows; see `scripts/bench_report.py`), and HdrHistogram percentile
//! (`.hgrm`) files.

use std::io::Write;
use std::path::{Path, PathBuf};

use hdrhistogram::Histogram;
use serde_json::{Value, json};

use crate::latency::Summary;

/// One row of a result file.
#[derive(Debug, Clone)]
pub struct Row(Value);

impl Row {
    /// A latency row (nanoseconds) from a histogram summary.
    #[must_use]
    pub fn latency(case: &str, summary: &Summary, target: Option<&str>) -> Self {
        Self(json!({
            "case": case, "unit": "ns", "count": summary.count,
            "p50": summary.p50, "p90": summary.p90, "p99": summary.p99, "p999": summary.p999,
            "mean": summary.mean, "max": summary.max,
            "value": null, "target": target, "baseline_of": null,
        }))
    }

    /// A single-figure row (throughput, cost per message, …).
    #[must_use]
    pub fn value(case: &str, unit: &str, value: f64, count: u64, target: Option<&str>) -> Self {
        Self(json!({
            "case": case, "unit": unit, "count": count,
            "p50": null, "p99": null, "p999": null, "mean": null, "max": null,
            "value": value, "target": target, "baseline_of": null,
        }))
    }

    /// Marks this row as the baseline of row `case` (the report prints the ratio).
    #[must_use]
    pub fn baseline_of(mut self, case: &str) -> Self {
        self.0["baseline_of"] = json!(case);
        self
    }

    /// Adds a free-form field (the report shows `extra` fields beside the row).
    #[must_use]
    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.0[key] = value;
        self
    }
}

/// One bench's result file.
#[derive(Debug, Clone)]
pub struct BenchResult {
    bench: String,
    title: String,
    rows: Vec<Row>,
    notes: Vec<String>,
    errors: Vec<String>,
    extra: serde_json::Map<String, Value>,
}

impl BenchResult {
    /// An empty result of bench `bench`.
    #[must_use]
    pub fn new(bench: &str, title: &str) -> Self {
        Self {
            bench: bench.to_owned(),
            title: title.to_owned(),
            rows: Vec::new(),
            notes: Vec::new(),
            errors: Vec::new(),
            extra: serde_json::Map::new(),
        }
    }

    /// Appends a row.
    pub fn push(&mut self, row: Row) {
        self.rows.push(row);
    }

    /// Appends a line of notes.
    pub fn note(&mut self, text: impl Into<String>) {
        self.notes.push(text.into());
    }

    /// Records a stage that failed or could not run (the report lists it; never a number).
    pub fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        eprintln!("error: {text}");
        self.errors.push(text);
    }

    /// Sets a top-level field beside the schema's (e.g. `scenarios`).
    pub fn set(&mut self, key: &str, value: Value) {
        self.extra.insert(key.to_owned(), value);
    }

    /// The JSON document.
    #[must_use]
    pub fn to_json(&self) -> Value {
        let mut doc = json!({
            "bench": self.bench,
            "title": self.title,
            "machine_note": null,
            "rows": self.rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
            "notes": self.notes.join(" "),
            "errors": self.errors,
        });
        for (k, v) in &self.extra {
            doc[k] = v.clone();
        }
        doc
    }

    /// Writes `<dir>/<bench>.json`; returns the path.
    ///
    /// # Errors
    /// I/O errors creating the directory or writing the file.
    pub fn write(&self, dir: &Path) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("{}.json", self.bench));
        let text = serde_json::to_string_pretty(&self.to_json()).map_err(std::io::Error::other)?;
        std::fs::write(&path, text + "\n")?;
        Ok(path)
    }
}

/// The directory `make bench` collects result files in (`BENCH_RESULTS_DIR`), if set.
#[must_use]
pub fn results_dir_from_env() -> Option<PathBuf> {
    std::env::var_os("BENCH_RESULTS_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Writes `result` into `BENCH_RESULTS_DIR` when it is set (benches run by hand print only).
pub fn write_if_collecting(result: &BenchResult) {
    let Some(dir) = results_dir_from_env() else {
        return;
    };
    match result.write(&dir) {
        Ok(path) => eprintln!("wrote {}", path.display()),
        Err(e) => eprintln!("cannot write results into {}: {e}", dir.display()),
    }
}

/// Writes `histogram` (nanosecond samples) as an HdrHistogram percentile distribution in
/// microseconds: the text format HdrHistogram's own tools print and plot.
///
/// # Errors
/// I/O errors writing the file.
pub fn write_hgrm(histogram: &Histogram<u64>, path: &Path) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let scale = 1000.0;
    writeln!(
        out,
        "{:>12} {:>14} {:>10} {:>14}\n",
        "Value", "Percentile", "TotalCount", "1/(1-Percentile)"
    )?;
    let mut total = 0_u64;
    for step in histogram.iter_quantiles(20) {
        total += step.count_since_last_iteration();
        let q = step.quantile_iterated_to();
        let value = step.value_iterated_to() as f64 / scale;
        if q < 1.0 {
            writeln!(
                out,
                "{value:>12.3} {q:>14.12} {total:>10} {:>14.2}",
                1.0 / (1.0 - q)
            )?;
        } else {
            writeln!(out, "{value:>12.3} {q:>14.12} {total:>10}")?;
        }
    }
    writeln!(
        out,
        "#[Mean    = {:>12.3}, StdDeviation   = {:>12.3}]",
        histogram.mean() / scale,
        histogram.stdev() / scale
    )?;
    writeln!(
        out,
        "#[Max     = {:>12.3}, Total count    = {:>12}]",
        histogram.max() as f64 / scale,
        histogram.len()
    )?;
    writeln!(
        out,
        "#[Buckets = {:>12}, SubBuckets     = {:>12}]",
        histogram.buckets(),
        histogram.distinct_values()
    )?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latency::LatencyRecorder;

    #[test]
    fn result_file_has_the_shared_shape() {
        let mut rec = LatencyRecorder::new();
        for ns in 1..=100 {
            rec.record(ns);
        }
        let mut result = BenchResult::new("t", "title");
        result.push(Row::latency("a", &rec.summary(), Some("≤ 1 µs")));
        result.push(Row::value("b", "msg/s", 5.0, 10, None).baseline_of("a"));
        result.error("stage x failed");
        let doc = result.to_json();
        assert_eq!(doc["rows"][0]["p50"], 50);
        assert_eq!(doc["rows"][1]["baseline_of"], "a");
        assert_eq!(doc["errors"][0], "stage x failed");
    }

    #[test]
    fn hgrm_ends_at_the_maximum() {
        let mut rec = LatencyRecorder::new();
        for ns in [1000, 2000, 3000, 1_000_000] {
            rec.record(ns);
        }
        let dir = std::env::temp_dir().join(format!("hgrm-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("x.hgrm");
        write_hgrm(rec.histogram(), &path).expect("write");
        let text = std::fs::read_to_string(&path).expect("read");
        std::fs::remove_dir_all(&dir).expect("cleanup");
        let last = text
            .lines()
            .rfind(|l| !l.starts_with('#') && !l.trim().is_empty())
            .expect("a data line");
        assert!(
            last.trim_start().starts_with("1000.4") || last.trim_start().starts_with("1000."),
            "{last}"
        );
        assert!(text.contains("Total count    =            4"));
    }
}
