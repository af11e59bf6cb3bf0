//! A stream's state as a snapshot record of the compacted state topic, and back.

use events::{Aggregate, SNAPSHOT_FORMAT, Snapshot, SnapshotCommand, SnapshotError};
use uuid::Uuid;

use super::stream_table::{RecordRef, RecordedCommand, StreamState};

/// The snapshot of a committed stream (every reference resolved to an offset).
/// `state` is the aggregate's serialized form, made before the transaction began.
pub fn to_snapshot<A: Aggregate>(
    stream_id: Uuid,
    stream: &StreamState<A>,
    state: serde_json::Value,
    batch_offsets: &[i64],
) -> Snapshot {
    let offset = |record: Option<RecordRef>| record.map_or(-1, |r| r.resolve(batch_offsets));
    Snapshot {
        snapshot_format: SNAPSHOT_FORMAT,
        stream_type: A::STREAM_TYPE.to_owned(),
        stream_id,
        tenant_id: stream.tenant.clone().unwrap_or_default(),
        version: stream.version,
        first_offset: offset(stream.first_record),
        last_offset: offset(stream.last_record),
        state_version: A::STATE_VERSION,
        state,
        commands: stream
            .commands
            .iter()
            .map(|command| SnapshotCommand {
                key: command.key.clone(),
                fingerprint: command.fingerprint.clone(),
                version: command.version,
                last_offset: command.last_record.resolve(batch_offsets),
                created: command.created,
                recorded_at: command.recorded_at,
            })
            .collect(),
    }
}

/// The stream a snapshot describes, if this build reads its state.
pub fn from_snapshot<A: Aggregate>(snapshot: &Snapshot) -> Result<StreamState<A>, SnapshotError> {
    Ok(StreamState {
        aggregate: snapshot.aggregate::<A>()?,
        version: snapshot.version,
        first_record: Some(RecordRef::Committed(snapshot.first_offset)),
        last_record: Some(RecordRef::Committed(snapshot.last_offset)),
        tenant: Some(snapshot.tenant_id.clone()),
        commands: snapshot
            .commands
            .iter()
            .map(|command| RecordedCommand {
                key: command.key.clone(),
                fingerprint: command.fingerprint.clone(),
                version: command.version,
                last_record: RecordRef::Committed(command.last_offset),
                created: command.created,
                recorded_at: command.recorded_at,
            })
            .collect(),
    })
}

/// A committed stream as the state store keeps it: its snapshot's bytes.
pub fn to_stored<A: Aggregate>(
    stream_id: Uuid,
    stream: &StreamState<A>,
) -> Result<Vec<u8>, serde_json::Error> {
    let state = Snapshot::of(&stream.aggregate)?;
    Ok(to_snapshot(stream_id, stream, state, &[]).to_bytes())
}

/// A stream the state store kept.
pub fn from_stored<A: Aggregate>(bytes: &[u8]) -> Result<StreamState<A>, SnapshotError> {
    from_snapshot(&Snapshot::from_bytes(bytes)?)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use events::Task;

    use super::*;

    #[test]
    fn a_stream_survives_its_snapshot() {
        let stream = StreamState {
            aggregate: Task {
                created: true,
                title: "snapshot me".into(),
                ..Task::default()
            },
            version: 2,
            first_record: Some(RecordRef::Committed(7)),
            last_record: Some(RecordRef::InBatch(1)),
            tenant: Some("acme".into()),
            commands: vec![RecordedCommand {
                key: "k".into(),
                fingerprint: "f".into(),
                version: 2,
                last_record: RecordRef::InBatch(1),
                created: false,
                recorded_at: Utc::now(),
            }],
        };
        let state = Snapshot::of(&stream.aggregate).unwrap();
        let snapshot = to_snapshot(Uuid::now_v7(), &stream, state, &[40, 41]);
        assert_eq!((snapshot.first_offset, snapshot.last_offset), (7, 41));
        let restored: StreamState<Task> = from_snapshot(&snapshot).unwrap();
        assert_eq!(restored.aggregate, stream.aggregate);
        assert_eq!(restored.version, 2);
        assert_eq!(restored.last_record, Some(RecordRef::Committed(41)));
        assert_eq!(restored.commands[0].last_record, RecordRef::Committed(41));
    }
}
