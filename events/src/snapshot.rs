//! The state of one stream as the command API's writer last committed it
//! (schema `snapshot.v1`): written to the compacted `events.<aggregate>.state`
//! topic in the same transaction as the stream's events, so a new owner of
//! the partition reads one record per stream instead of the stream's history.
//!
//! Two versions travel in a snapshot: `snapshot_format` is this envelope's,
//! `state_version` the aggregate's own ([`Aggregate::STATE_VERSION`]). A
//! reader that does not know either replays the stream's events instead,
//! starting at `first_offset`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{Aggregate, occurred_at};

/// The only snapshot envelope this code writes and reads.
pub const SNAPSHOT_FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub snapshot_format: u32,
    pub stream_type: String,
    pub stream_id: Uuid,
    /// The tenant of the stream's first event; the stream is its for good.
    pub tenant_id: String,
    /// The version of the stream's last event, which `state` includes.
    pub version: u64,
    /// Offsets in the stream's events partition of its first and last event.
    pub first_offset: i64,
    pub last_offset: i64,
    pub state_version: u32,
    /// The aggregate's state, as its `Serialize` writes it.
    pub state: serde_json::Value,
    /// The commands sent with an `Idempotency-Key` within the retention window.
    pub commands: Vec<SnapshotCommand>,
}

/// A command that carried an `Idempotency-Key`, as its retries must see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotCommand {
    pub key: String,
    /// Identifies the command's content; a reused key with another command is refused.
    pub fingerprint: String,
    /// The stream's version after the command.
    pub version: u64,
    /// Offset of the command's last event.
    pub last_offset: i64,
    /// Whether the command created the stream.
    pub created: bool,
    #[serde(with = "occurred_at")]
    pub recorded_at: DateTime<Utc>,
}

/// Why a snapshot was not read; its stream is replayed from the log instead.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("not a snapshot envelope: {0}")]
    Envelope(#[source] serde_json::Error),
    #[error("snapshot format {0} is not known to this build (it reads {SNAPSHOT_FORMAT})")]
    UnknownFormat(u32),
    #[error("state version {found} of {stream_type} is not {expected}, the one this build reads")]
    UnknownStateVersion {
        stream_type: String,
        found: u32,
        expected: u32,
    },
    #[error("the state does not decode: {0}")]
    State(#[source] serde_json::Error),
}

/// Just enough of a snapshot to replay its stream when the rest cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SnapshotHead {
    pub stream_id: Uuid,
    pub version: u64,
    pub first_offset: i64,
    pub last_offset: i64,
}

impl Snapshot {
    pub fn of<A: Aggregate>(aggregate: &A) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(aggregate)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SnapshotError> {
        let snapshot: Self = serde_json::from_slice(bytes).map_err(SnapshotError::Envelope)?;
        if snapshot.snapshot_format != SNAPSHOT_FORMAT {
            return Err(SnapshotError::UnknownFormat(snapshot.snapshot_format));
        }
        Ok(snapshot)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a snapshot of plain JSON values always serializes")
    }

    /// The aggregate's state, if this build reads its version.
    pub fn aggregate<A: Aggregate>(&self) -> Result<A, SnapshotError> {
        if self.state_version != A::STATE_VERSION || self.stream_type != A::STREAM_TYPE {
            return Err(SnapshotError::UnknownStateVersion {
                stream_type: self.stream_type.clone(),
                found: self.state_version,
                expected: A::STATE_VERSION,
            });
        }
        serde_json::from_value(self.state.clone()).map_err(SnapshotError::State)
    }
}

impl SnapshotHead {
    /// The offsets of a snapshot whose state (or whole envelope) is unreadable;
    /// `None` when not even these fields decode.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        serde_json::from_slice(bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Task;

    fn snapshot_of(task: &Task) -> Snapshot {
        Snapshot {
            snapshot_format: SNAPSHOT_FORMAT,
            stream_type: "task".into(),
            stream_id: Uuid::now_v7(),
            tenant_id: "acme".into(),
            version: 3,
            first_offset: 10,
            last_offset: 42,
            state_version: <Task as Aggregate>::STATE_VERSION,
            state: Snapshot::of(task).unwrap(),
            commands: vec![SnapshotCommand {
                key: "k-1".into(),
                fingerprint: "00ff".into(),
                version: 2,
                last_offset: 30,
                created: false,
                recorded_at: "2026-12-01T10:00:00.000001Z".parse().unwrap(),
            }],
        }
    }

    #[test]
    fn a_snapshot_round_trips_through_its_bytes() {
        let task = Task {
            created: true,
            title: "Write the snapshot".into(),
            ..Task::default()
        };
        let snapshot = snapshot_of(&task);
        let read = Snapshot::from_bytes(&snapshot.to_bytes()).unwrap();
        assert_eq!(read, snapshot);
        assert_eq!(read.aggregate::<Task>().unwrap(), task);
    }

    #[test]
    fn another_state_version_is_not_read_but_its_offsets_are() {
        let mut snapshot = snapshot_of(&Task::default());
        snapshot.state_version += 1;
        let bytes = snapshot.to_bytes();
        let read = Snapshot::from_bytes(&bytes).unwrap();
        assert!(matches!(
            read.aggregate::<Task>(),
            Err(SnapshotError::UnknownStateVersion { .. })
        ));
        let head = SnapshotHead::from_bytes(&bytes).unwrap();
        assert_eq!((head.first_offset, head.last_offset), (10, 42));
    }

    #[test]
    fn a_state_that_does_not_decode_is_refused() {
        let mut snapshot = snapshot_of(&Task::default());
        snapshot.state = serde_json::json!({"created": "yes"});
        assert!(matches!(
            snapshot.aggregate::<Task>(),
            Err(SnapshotError::State(_))
        ));
    }

    #[test]
    fn another_snapshot_format_is_not_read() {
        let mut snapshot = snapshot_of(&Task::default());
        snapshot.snapshot_format = 2;
        assert!(matches!(
            Snapshot::from_bytes(&snapshot.to_bytes()),
            Err(SnapshotError::UnknownFormat(2))
        ));
    }
}
