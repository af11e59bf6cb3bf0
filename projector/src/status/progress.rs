//! Rates between two samples, and the time to catch up they imply.

/// Records per second between two sums of offsets taken `seconds` apart.
pub fn rate(before: i64, after: i64, seconds: f64) -> Option<f64> {
    (seconds > 0.0).then(|| (after - before).max(0) as f64 / seconds)
}

/// Seconds until `lag` is worked off while applying at `applied` records/s
/// as the log grows at `growth` records/s; `None` when it is not gaining.
pub fn catch_up_seconds(lag: i64, applied: f64, growth: f64) -> Option<f64> {
    if lag <= 0 {
        return Some(0.0);
    }
    let gaining = applied - growth;
    (gaining > 0.0).then(|| lag as f64 / gaining)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catching_up_accounts_for_the_log_growing_meanwhile() {
        assert_eq!(rate(100, 350, 2.0), Some(125.0));
        assert_eq!(rate(100, 350, 0.0), None);
        assert_eq!(catch_up_seconds(1_000, 300.0, 100.0), Some(5.0));
        assert_eq!(catch_up_seconds(1_000, 100.0, 100.0), None);
        assert_eq!(catch_up_seconds(0, 0.0, 10.0), Some(0.0));
    }
}
