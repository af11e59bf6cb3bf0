//! Where every version of every projection stands: its state, per-partition
//! checkpoint, high watermark and lag, how fast it applies and when it will
//! have caught up. `projector status`, `GET /v1/projections` and the
//! `projector_version_*` metrics all show this.

mod collect;
mod kafka_probe;
mod metrics;
mod progress;

use std::fmt;

use chrono::{DateTime, Utc};
use read_model::versions::Role;
use serde::Serialize;

pub use collect::{StatusError, StatusSource};
pub use kafka_probe::KafkaProbe;
pub use metrics::MetricsPublisher;

/// The one-word state of a version, most urgent first: `stopped` (no
/// projector consumes it), `parked` (it has parked events), else its role
/// (`live`, `building`, `standby`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Live,
    Building,
    Standby,
    Stopped,
    Parked,
}

impl State {
    pub const ALL: [State; 5] = [
        State::Live,
        State::Building,
        State::Standby,
        State::Stopped,
        State::Parked,
    ];

    pub fn of(role: Role, consumers: Option<usize>, parked_events: i64) -> Self {
        if consumers == Some(0) {
            State::Stopped
        } else if parked_events > 0 {
            State::Parked
        } else {
            match role {
                Role::Live => State::Live,
                Role::Building => State::Building,
                Role::Standby | Role::Dropped => State::Standby,
            }
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            State::Live => "live",
            State::Building => "building",
            State::Standby => "standby",
            State::Stopped => "stopped",
            State::Parked => "parked",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusSnapshot {
    pub taken_at: DateTime<Utc>,
    pub versions: Vec<VersionStatus>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VersionStatus {
    /// `tasks.v2`.
    pub projection: String,
    pub name: String,
    /// A projection, or a process manager.
    pub kind: crate::projection::Kind,
    pub version: u32,
    pub role: Role,
    pub state: State,
    /// Whether the query API reads it.
    pub serving: bool,
    /// The first of `topics`.
    pub topic: String,
    /// Every topic it reads (two or more for a cross-aggregate projection).
    pub topics: Vec<String>,
    /// The consumer group of its first topic.
    pub group: String,
    /// Its consumer groups, one per topic, in the order of `topics`.
    pub groups: Vec<String>,
    /// Members of its consumer groups, the fewest of any (`None`: Kafka did
    /// not say): 0 means a topic of it is consumed by nobody.
    pub consumers: Option<usize>,
    pub parked_events: i64,
    /// A process manager's decided commands not delivered yet (`None` for a
    /// projection); shared by its versions.
    pub pending_commands: Option<i64>,
    /// Records between the checkpoints and the high watermarks, summed over
    /// every partition of every topic.
    pub lag: Option<i64>,
    /// Records applied (or parked) per second since the previous sample.
    pub events_per_second: Option<f64>,
    /// At the current rates (its own, and the log's growth), when its lag
    /// reaches zero; `None` when it is not gaining on the log.
    pub catch_up_seconds: Option<f64>,
    pub partitions: Vec<PartitionStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartitionStatus {
    pub topic: String,
    pub partition: i32,
    /// The next offset to apply (`None`: nothing applied yet).
    pub checkpoint: Option<i64>,
    pub high_watermark: Option<i64>,
    pub lag: Option<i64>,
}

impl VersionStatus {
    /// Its partitions, topic by topic.
    pub fn topic_partitions(&self) -> Vec<crate::versions::TopicPartitions> {
        self.topics
            .iter()
            .map(|topic| crate::versions::TopicPartitions {
                topic: topic.clone(),
                partitions: self
                    .partitions
                    .iter()
                    .filter(|p| &p.topic == topic)
                    .map(|p| p.partition)
                    .collect(),
            })
            .collect()
    }
}

impl StatusSnapshot {
    pub fn version(&self, projection: &str) -> Option<&VersionStatus> {
        self.versions.iter().find(|v| v.projection == projection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_urgent_condition_names_the_state() {
        assert_eq!(State::of(Role::Live, Some(2), 0), State::Live);
        assert_eq!(State::of(Role::Building, Some(1), 0), State::Building);
        assert_eq!(State::of(Role::Standby, None, 0), State::Standby);
        assert_eq!(State::of(Role::Live, Some(1), 3), State::Parked);
        assert_eq!(State::of(Role::Live, Some(0), 3), State::Stopped);
    }
}
