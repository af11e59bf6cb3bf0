//! Latency samples in an HDR histogram (microseconds, 3 significant digits),
//! so percentiles stay exact to 0.1% however many samples a run records.

use std::time::Duration;

use hdrhistogram::Histogram;

/// The longest latency recorded as itself; longer ones are clamped to it.
const MAX_MICROS: u64 = 120_000_000;

pub struct Latencies {
    histogram: Histogram<u64>,
}

impl Default for Latencies {
    fn default() -> Self {
        Self {
            histogram: Histogram::new_with_bounds(1, MAX_MICROS, 3)
                .expect("valid histogram bounds"),
        }
    }
}

impl Latencies {
    pub fn record(&mut self, elapsed: Duration) {
        let micros = (elapsed.as_micros() as u64).clamp(1, MAX_MICROS);
        self.histogram.saturating_record(micros);
    }

    pub fn extend(&mut self, other: Latencies) {
        self.histogram
            .add(other.histogram)
            .expect("histograms of the same bounds");
    }

    pub fn len(&self) -> usize {
        self.histogram.len() as usize
    }

    /// The p-th percentile (0..=100) in milliseconds.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.histogram.is_empty() {
            return 0.0;
        }
        self.histogram.value_at_quantile(p / 100.0) as f64 / 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_known_distribution() {
        let mut latencies = Latencies::default();
        for ms in 1..=100 {
            latencies.record(Duration::from_millis(ms));
        }
        assert_eq!(latencies.len(), 100);
        assert!((latencies.percentile_ms(50.0) - 50.0).abs() < 0.1);
        assert!((latencies.percentile_ms(99.0) - 99.0).abs() < 0.1);
        let mut other = Latencies::default();
        other.record(Duration::from_secs(1));
        latencies.extend(other);
        assert!((latencies.percentile_ms(100.0) - 1000.0).abs() < 1.0);
    }
}
