//! The workers' metrics, all labelled with the projection id (`tasks.v2`).

use chrono::{DateTime, Utc};

pub const EVENTS_APPLIED: &str = "projector_events_applied_total";
pub const BATCH_SIZE: &str = "projector_batch_size";
pub const BATCH_DURATION: &str = "projector_batch_duration_seconds";
pub const BATCH_FAILURES: &str = "projector_batch_failures_total";
pub const PARTITION_LAG: &str = "projector_partition_lag";
/// 1 while a partition makes no progress because its batch keeps failing on
/// the database (records never stop a partition: they are parked).
pub const PARTITION_STOPPED: &str = "projector_partition_stopped";
pub const NEWEST_EVENT_AGE: &str = "projector_newest_event_age_seconds";
/// Events waiting parked in the partitions this process holds: summed over
/// the processes, the projection's total.
pub const PARKED_EVENTS: &str = "projector_parked_events";
/// Records parked, by why: `failed` (could not be decoded, upcast or
/// applied) or `behind` (waiting behind an earlier parked event of its stream).
pub const EVENTS_PARKED: &str = "projector_events_parked_total";

pub fn batch_applied(projection: &str, records: usize, events: u64, seconds: f64) {
    metrics::counter!(EVENTS_APPLIED, "projection" => projection.to_owned()).increment(events);
    metrics::histogram!(BATCH_SIZE, "projection" => projection.to_owned()).record(records as f64);
    metrics::histogram!(BATCH_DURATION, "projection" => projection.to_owned()).record(seconds);
}

pub fn batch_failed(projection: &str) {
    metrics::counter!(BATCH_FAILURES, "projection" => projection.to_owned()).increment(1);
}

pub fn events_parked(projection: &str, failed: usize, behind: usize) {
    for (cause, count) in [("failed", failed), ("behind", behind)] {
        if count > 0 {
            metrics::counter!(EVENTS_PARKED, "projection" => projection.to_owned(), "cause" => cause)
                .increment(count as u64);
        }
    }
}

pub fn parked_events(projection: &str, waiting: i64) {
    metrics::gauge!(PARKED_EVENTS, "projection" => projection.to_owned()).set(waiting as f64);
}

fn partition_labels(projection: &str, topic: &str, partition: i32) -> [(&'static str, String); 3] {
    [
        ("projection", projection.to_owned()),
        ("topic", topic.to_owned()),
        ("partition", partition.to_string()),
    ]
}

pub fn partition_gauges(
    projection: &str,
    topic: &str,
    partition: i32,
    lag: Option<i64>,
    stopped: bool,
) {
    let labels = partition_labels(projection, topic, partition);
    if let Some(lag) = lag {
        metrics::gauge!(PARTITION_LAG, &labels).set(lag as f64);
    }
    metrics::gauge!(PARTITION_STOPPED, &labels).set(if stopped { 1.0 } else { 0.0 });
}

/// A partition this process no longer holds: its gauges are another's now.
pub fn forget_partition(projection: &str, topic: &str, partition: i32) {
    let labels = partition_labels(projection, topic, partition);
    metrics::gauge!(PARTITION_LAG, &labels).set(0.0);
    metrics::gauge!(PARTITION_STOPPED, &labels).set(0.0);
}

pub fn newest_event(projection: &str, newest: Option<DateTime<Utc>>) {
    if let Some(newest) = newest {
        let age = (Utc::now() - newest).num_microseconds().unwrap_or(i64::MAX) as f64 / 1e6;
        metrics::gauge!(NEWEST_EVENT_AGE, "projection" => projection.to_owned()).set(age.max(0.0));
    }
}
