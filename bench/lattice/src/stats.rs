//! Latency summaries shared by the benches of this crate.

use std::time::Duration;

/// Latency summary of one series.
pub struct Summary {
    /// Median.
    pub p50: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// Mean.
    pub mean: Duration,
    /// Slowest.
    pub max: Duration,
}

/// The summary of `samples` (at least one).
pub fn summarize(mut samples: Vec<Duration>) -> Summary {
    samples.sort();
    let at =
        |q: f64| samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1];
    Summary {
        p50: at(0.50),
        p99: at(0.99),
        mean: samples.iter().sum::<Duration>() / samples.len() as u32,
        max: *samples.last().expect("at least one sample"),
    }
}

/// One aligned line: label, p50, p99, mean, max.
pub fn print_row(label: &str, s: &Summary) {
    println!(
        "  {label:<13} p50 {:>9.3?}  p99 {:>9.3?}  mean {:>9.3?}  max {:>9.3?}",
        s.p50, s.p99, s.mean, s.max
    );
}

/// `a / b`.
pub fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}
