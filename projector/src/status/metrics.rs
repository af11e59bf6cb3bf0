//! The status as Prometheus gauges, labelled with the projection id
//! (`tasks.v2`). Every projector process publishes the same values (they
//! come from PostgreSQL and Kafka, not from the process): aggregate them
//! with `max by (projection)`, not `sum`.

use std::collections::BTreeSet;

use super::{State, StatusSnapshot};

pub const VERSION_STATE: &str = "projector_version_state";
pub const VERSION_SERVING: &str = "projector_version_serving";
pub const VERSION_LAG: &str = "projector_version_lag";
pub const VERSION_EVENTS_PER_SECOND: &str = "projector_version_events_per_second";
pub const VERSION_CATCH_UP: &str = "projector_version_catch_up_seconds";
pub const VERSION_CHECKPOINT: &str = "projector_version_checkpoint";
pub const VERSION_HIGH_WATERMARK: &str = "projector_version_high_watermark";
pub const VERSION_PENDING_COMMANDS: &str = "projector_version_pending_commands";

/// Publishes snapshots, and zeroes the gauges of versions that went away.
#[derive(Default)]
pub struct MetricsPublisher {
    published: BTreeSet<String>,
}

impl MetricsPublisher {
    pub fn publish(&mut self, snapshot: &StatusSnapshot) {
        let mut now = BTreeSet::new();
        for version in &snapshot.versions {
            let projection = version.projection.clone();
            for state in State::ALL {
                let value = if state == version.state { 1.0 } else { 0.0 };
                metrics::gauge!(VERSION_STATE, "projection" => projection.clone(), "state" => state.as_str())
                    .set(value);
            }
            metrics::gauge!(VERSION_SERVING, "projection" => projection.clone())
                .set(if version.serving { 1.0 } else { 0.0 });
            if let Some(lag) = version.lag {
                metrics::gauge!(VERSION_LAG, "projection" => projection.clone()).set(lag as f64);
            }
            if let Some(rate) = version.events_per_second {
                metrics::gauge!(VERSION_EVENTS_PER_SECOND, "projection" => projection.clone())
                    .set(rate);
            }
            if let Some(pending) = version.pending_commands {
                metrics::gauge!(VERSION_PENDING_COMMANDS, "projection" => projection.clone())
                    .set(pending as f64);
            }
            // -1: not gaining on the log (no estimate).
            metrics::gauge!(VERSION_CATCH_UP, "projection" => projection.clone())
                .set(version.catch_up_seconds.unwrap_or(-1.0));
            for partition in &version.partitions {
                let labels = [
                    ("projection", projection.clone()),
                    ("topic", partition.topic.clone()),
                    ("partition", partition.partition.to_string()),
                ];
                if let Some(checkpoint) = partition.checkpoint {
                    metrics::gauge!(VERSION_CHECKPOINT, &labels).set(checkpoint as f64);
                }
                if let Some(high) = partition.high_watermark {
                    metrics::gauge!(VERSION_HIGH_WATERMARK, &labels).set(high as f64);
                }
            }
            now.insert(projection);
        }
        for gone in self.published.difference(&now) {
            for state in State::ALL {
                metrics::gauge!(VERSION_STATE, "projection" => gone.clone(), "state" => state.as_str())
                    .set(0.0);
            }
            metrics::gauge!(VERSION_SERVING, "projection" => gone.clone()).set(0.0);
            metrics::gauge!(VERSION_LAG, "projection" => gone.clone()).set(0.0);
        }
        self.published = now;
    }
}
