//! Latency histograms and their percentile summary.

use std::fmt;

use hdrhistogram::Histogram;

/// Records nanosecond samples (1 ns to 10 s, 3 significant digits).
#[derive(Debug, Clone)]
pub struct LatencyRecorder {
    histogram: Histogram<u64>,
}

impl Default for LatencyRecorder {
    fn default() -> Self {
        Self::new()
    }
}

impl LatencyRecorder {
    /// An empty recorder.
    ///
    /// # Panics
    ///
    /// Never: the bounds are constants hdrhistogram accepts.
    #[must_use]
    pub fn new() -> Self {
        let histogram =
            Histogram::new_with_bounds(1, 10_000_000_000, 3).expect("valid histogram bounds");
        Self { histogram }
    }

    /// Adds one sample, clamped into the histogram's range.
    pub fn record(&mut self, ns: i64) {
        let ns = u64::try_from(ns).unwrap_or(0).clamp(1, 10_000_000_000);
        self.histogram.saturating_record(ns);
    }

    /// Adds every sample of `other`.
    pub fn merge(&mut self, other: &Self) {
        // Same bounds on both sides, so adding cannot fail.
        let _ = self.histogram.add(&other.histogram);
    }

    /// The value at quantile `q` (0..=1), ns.
    #[must_use]
    pub fn quantile(&self, q: f64) -> u64 {
        self.histogram.value_at_quantile(q)
    }

    /// The underlying histogram (for `.hgrm` output).
    #[must_use]
    pub fn histogram(&self) -> &Histogram<u64> {
        &self.histogram
    }

    /// Percentiles of everything recorded so far.
    #[must_use]
    pub fn summary(&self) -> Summary {
        let h = &self.histogram;
        Summary {
            count: h.len(),
            p50: h.value_at_quantile(0.50),
            p90: h.value_at_quantile(0.90),
            p99: h.value_at_quantile(0.99),
            p999: h.value_at_quantile(0.999),
            max: h.max(),
            mean: h.mean(),
        }
    }
}

/// Percentiles in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Samples.
    pub count: u64,
    /// Median.
    pub p50: u64,
    /// 90th percentile.
    pub p90: u64,
    /// 99th percentile.
    pub p99: u64,
    /// 99.9th percentile.
    pub p999: u64,
    /// Largest sample.
    pub max: u64,
    /// Mean.
    pub mean: f64,
}

impl Summary {
    /// The fields as a JSON object (to pass a summary between processes).
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "count": self.count, "p50": self.p50, "p90": self.p90, "p99": self.p99,
            "p999": self.p999, "max": self.max, "mean": self.mean,
        })
    }

    /// Reads what [`Summary::to_json`] wrote.
    #[must_use]
    pub fn from_json(value: &serde_json::Value) -> Option<Self> {
        let int = |k: &str| value.get(k)?.as_u64();
        Some(Self {
            count: int("count")?,
            p50: int("p50")?,
            p90: int("p90")?,
            p99: int("p99")?,
            p999: int("p999")?,
            max: int("max")?,
            mean: value.get("mean")?.as_f64()?,
        })
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "n={} p50={}ns p90={}ns p99={}ns p99.9={}ns max={}ns mean={:.1}ns",
            self.count, self.p50, self.p90, self.p99, self.p999, self.max, self.mean
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_known_distribution() {
        let mut rec = LatencyRecorder::new();
        for ns in 1..=1000 {
            rec.record(ns);
        }
        rec.record(-5);
        let s = rec.summary();
        assert_eq!(s.count, 1001);
        assert_eq!(s.p50, 500);
        assert_eq!(s.p99, 990);
        assert_eq!(s.max, 1000);
        assert_eq!(Summary::from_json(&s.to_json()), Some(s));
    }
}
