//! Latency histograms (HdrHistogram, microseconds) and their JSON summary.

use std::time::Duration;

use hdrhistogram::Histogram;
use serde_json::{Value, json};

/// A histogram of 1 µs .. 10 min with 3 significant digits.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("static bounds are valid")
}

pub fn record(histogram: &mut Histogram<u64>, elapsed: Duration) {
    let micros = u64::try_from(elapsed.as_micros())
        .unwrap_or(u64::MAX)
        .clamp(1, histogram.high());
    histogram
        .record(micros)
        .expect("clamped into the histogram's range");
}

pub fn summary(histogram: &Histogram<u64>) -> Value {
    json!({
        "count": histogram.len(),
        "p50": histogram.value_at_quantile(0.50),
        "p99": histogram.value_at_quantile(0.99),
        "p999": histogram.value_at_quantile(0.999),
        "max": histogram.max(),
        "mean": (histogram.mean() * 10.0).round() / 10.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reports_quantiles_in_microseconds() {
        let mut h = histogram();
        for micros in 1..=1000 {
            record(&mut h, Duration::from_micros(micros));
        }
        let s = summary(&h);
        assert_eq!(s["count"], 1000);
        assert_eq!(s["p50"], 500);
        assert_eq!(s["p999"], 999);
        assert_eq!(s["max"], 1000);
    }

    #[test]
    fn sub_microsecond_and_huge_values_are_clamped_not_lost() {
        let mut h = histogram();
        record(&mut h, Duration::from_nanos(10));
        record(&mut h, Duration::from_secs(3600));
        assert_eq!(h.len(), 2);
        assert_eq!(h.min(), 1);
    }
}
