//! The order checks every projection gets: each record must be the next
//! event of its stream. What is already applied (a duplicate in the log, or a
//! range an operator re-applies) is left out, which makes re-applying
//! idempotent; a version gap, an event before its stream's first and a
//! second first event are refused, and the stream stops there for the rest
//! of the batch (the engine parks its later records behind the refused one).

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use crate::projection::{Decoded, Failure, ProjectedEvent};

/// Why a record is not the next event of its stream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutOfOrder {
    #[error(
        "stream {stream_id} is at version {current}; event {event_id} has version {version}, which leaves a gap"
    )]
    VersionGap {
        stream_id: Uuid,
        event_id: Uuid,
        current: i64,
        version: i64,
    },
    #[error(
        "stream {stream_id} does not exist; its first event {event_id} is {event_type}, which does not start a stream"
    )]
    NotStarted {
        stream_id: Uuid,
        event_id: Uuid,
        event_type: String,
    },
    #[error("stream {stream_id} already exists; event {event_id} ({event_type}) starts it again")]
    StartedTwice {
        stream_id: Uuid,
        event_id: Uuid,
        event_type: String,
    },
}

/// The streams a batch's records belong to, each once.
pub fn streams_of<E: ProjectedEvent>(records: &[&Decoded<E>]) -> Vec<Uuid> {
    let mut streams: Vec<Uuid> = records
        .iter()
        .map(|record| record.event.envelope().stream_id)
        .collect();
    streams.sort_unstable();
    streams.dedup();
    streams
}

/// The records that are each the next event of their stream, given the
/// versions `stored` (absent: not created), and a failure for the first
/// record of each stream that is out of order.
pub fn in_stream_order<'a, E: ProjectedEvent>(
    records: &[&'a Decoded<E>],
    stored: &HashMap<Uuid, i64>,
) -> (Vec<&'a Decoded<E>>, Vec<Failure>) {
    let mut current: HashMap<Uuid, i64> = stored.clone();
    let mut stopped: HashSet<Uuid> = HashSet::new();
    let mut in_order = Vec::with_capacity(records.len());
    let mut failures = Vec::new();
    for record in records {
        let envelope = record.event.envelope();
        let stream_id = envelope.stream_id;
        if stopped.contains(&stream_id) {
            continue;
        }
        let version = envelope.version as i64;
        let at = current.get(&stream_id).copied();
        if version <= at.unwrap_or(0) {
            tracing::debug!(%stream_id, version, event_id = %envelope.event_id, "event already applied; ignored");
            continue;
        }
        let refusal = if version != at.unwrap_or(0) + 1 {
            Some(OutOfOrder::VersionGap {
                stream_id,
                event_id: envelope.event_id,
                current: at.unwrap_or(0),
                version,
            })
        } else if at.is_none() && !record.event.starts_stream() {
            Some(OutOfOrder::NotStarted {
                stream_id,
                event_id: envelope.event_id,
                event_type: envelope.event_type.clone(),
            })
        } else if at.is_some() && record.event.starts_stream() {
            Some(OutOfOrder::StartedTwice {
                stream_id,
                event_id: envelope.event_id,
                event_type: envelope.event_type.clone(),
            })
        } else {
            None
        };
        match refusal {
            Some(refusal) => {
                stopped.insert(stream_id);
                failures.push(Failure {
                    partition: record.partition,
                    offset: record.offset,
                    reason: format!("cannot be applied: {refusal}"),
                });
            }
            None => {
                current.insert(stream_id, version);
                in_order.push(*record);
            }
        }
    }
    (in_order, failures)
}

#[cfg(test)]
mod tests {
    use events::task::TaskEvent;

    use super::*;
    use crate::tasks::TaskRecord;
    use crate::testing::{decoded, record as event_record, task_created};

    fn record(task_id: Uuid, version: u64, event: TaskEvent, offset: i64) -> Decoded<TaskRecord> {
        decoded(0, offset, event_record("acme", task_id, version, event))
    }

    fn created() -> TaskEvent {
        task_created("a", None)
    }

    fn offsets(records: &[&Decoded<TaskRecord>]) -> Vec<i64> {
        records.iter().map(|record| record.offset).collect()
    }

    #[test]
    fn given_a_new_stream_when_it_starts_and_goes_on_then_every_event_is_in_order() {
        let task = Uuid::now_v7();
        let batch = [
            record(task, 1, created(), 0),
            record(task, 2, TaskEvent::Completed, 1),
        ];
        let refs: Vec<_> = batch.iter().collect();
        let (in_order, failures) = in_stream_order(&refs, &HashMap::new());
        assert_eq!(offsets(&in_order), [0, 1]);
        assert!(failures.is_empty());
    }

    #[test]
    fn given_a_gap_then_its_stream_stops_there_and_other_streams_go_on() {
        let (task, other) = (Uuid::now_v7(), Uuid::now_v7());
        let batch = [
            record(task, 1, created(), 5),
            record(task, 3, TaskEvent::Completed, 6),
            record(other, 1, created(), 7),
            record(task, 2, TaskEvent::Reopened, 8),
        ];
        let refs: Vec<_> = batch.iter().collect();
        let (in_order, failures) = in_stream_order(&refs, &HashMap::new());
        assert_eq!(offsets(&in_order), [5, 7]);
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].offset, 6);
        assert!(failures[0].reason.contains("gap"), "{}", failures[0].reason);
    }

    #[test]
    fn given_no_stream_when_an_event_other_than_the_first_comes_then_it_is_refused() {
        let batch = [record(Uuid::now_v7(), 1, TaskEvent::Completed, 0)];
        let refs: Vec<_> = batch.iter().collect();
        let (in_order, failures) = in_stream_order(&refs, &HashMap::new());
        assert!(in_order.is_empty());
        assert!(
            failures[0].reason.contains("does not start a stream"),
            "{}",
            failures[0].reason
        );
    }

    #[test]
    fn given_a_stream_when_a_first_event_comes_again_then_it_is_refused() {
        let task = Uuid::now_v7();
        let batch = [record(task, 3, created(), 0)];
        let refs: Vec<_> = batch.iter().collect();
        let (in_order, failures) = in_stream_order(&refs, &HashMap::from([(task, 2)]));
        assert!(in_order.is_empty());
        assert!(
            failures[0].reason.contains("starts it again"),
            "{}",
            failures[0].reason
        );
    }

    #[test]
    fn given_applied_events_when_they_come_again_then_they_are_left_out_silently() {
        let task = Uuid::now_v7();
        let batch = [
            record(task, 1, created(), 0),
            record(task, 2, TaskEvent::Completed, 1),
            record(task, 3, TaskEvent::Reopened, 2),
        ];
        let refs: Vec<_> = batch.iter().collect();
        let (in_order, failures) = in_stream_order(&refs, &HashMap::from([(task, 2)]));
        assert_eq!(offsets(&in_order), [2]);
        assert!(failures.is_empty());
    }
}
