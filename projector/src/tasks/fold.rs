//! Folds a batch in memory: each task's events are applied one after another
//! to its row, so the batch ends with one upsert per task, one history row per
//! event and one delta per statistics row, whatever the number of events.
//! An event that cannot be applied stops its task (stream) for the rest of
//! the batch; other tasks go on.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use events::DomainEvent;
use events::task::TaskEvent;
use read_model::tasks::{DayKey, HistoryRow, StatusKey, TaskRow};
use uuid::Uuid;

use super::evolve::evolve_row;
use super::record::TaskRecord;
use crate::projection::{Decoded, Failure};

/// Why an event cannot be applied to the task it names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FoldError {
    #[error(
        "task {task_id} is at version {current}; event {event_id} has version {version}, which leaves a gap"
    )]
    VersionGap {
        task_id: Uuid,
        event_id: Uuid,
        current: i64,
        version: i64,
    },
    #[error(
        "task {task_id} does not exist; its first event {event_id} is {event_type}, not TaskCreated"
    )]
    NotCreated {
        task_id: Uuid,
        event_id: Uuid,
        event_type: String,
    },
    #[error("task {task_id} already exists; event {event_id} creates it again")]
    CreatedTwice { task_id: Uuid, event_id: Uuid },
}

#[derive(Debug, Default)]
pub struct Changes {
    pub tasks: Vec<TaskRow>,
    pub history: Vec<HistoryRow>,
    pub status_deltas: Vec<(StatusKey, i64)>,
    pub completions: Vec<(DayKey, i64)>,
    pub failures: Vec<Failure>,
    pub events: u64,
    pub newest_event_at: Option<DateTime<Utc>>,
}

pub struct BatchFold<'a> {
    before: &'a HashMap<Uuid, TaskRow>,
    after: HashMap<Uuid, TaskRow>,
    history: Vec<HistoryRow>,
    completions: BTreeMap<DayKey, i64>,
    /// Per task that failed, its failure; its later events are left out.
    failures: BTreeMap<Uuid, Failure>,
    events: u64,
    newest_event_at: Option<DateTime<Utc>>,
}

impl<'a> BatchFold<'a> {
    /// `before`: the stored rows of the batch's tasks.
    pub fn new(before: &'a HashMap<Uuid, TaskRow>) -> Self {
        Self {
            before,
            after: HashMap::new(),
            history: Vec::new(),
            completions: BTreeMap::new(),
            failures: BTreeMap::new(),
            events: 0,
            newest_event_at: None,
        }
    }

    /// Applies one record; records must come in log order per partition.
    pub fn apply(&mut self, record: &Decoded<TaskRecord>) {
        let envelope = &record.event.envelope;
        let task_id = envelope.stream_id;
        if self.failures.contains_key(&task_id) {
            return;
        }
        let current = self
            .after
            .get(&task_id)
            .or_else(|| self.before.get(&task_id));
        let current_version = current.map_or(0, |row| row.version);
        let version = envelope.version as i64;
        if version <= current_version {
            // Already applied: the log holds a duplicate, or an operator reset
            // the checkpoint to re-apply a range. Applying it again would
            // corrupt the row; skipping it is what makes re-applying idempotent.
            tracing::debug!(%task_id, version, current_version, event_id = %envelope.event_id, "event already applied; ignored");
            return;
        }
        let refusal = match (current, &record.event.event) {
            _ if version != current_version + 1 => Some(FoldError::VersionGap {
                task_id,
                event_id: envelope.event_id,
                current: current_version,
                version,
            }),
            (None, event) if !matches!(event, TaskEvent::Created(_)) => {
                Some(FoldError::NotCreated {
                    task_id,
                    event_id: envelope.event_id,
                    event_type: envelope.event_type.clone(),
                })
            }
            (Some(_), TaskEvent::Created(_)) => Some(FoldError::CreatedTwice {
                task_id,
                event_id: envelope.event_id,
            }),
            _ => None,
        };
        if let Some(refusal) = refusal {
            self.failures.insert(
                task_id,
                Failure {
                    partition: record.partition,
                    offset: record.offset,
                    reason: refusal.to_string(),
                },
            );
            return;
        }

        let row = evolve_row(current, &record.event, record.partition, record.offset);
        if matches!(record.event.event, TaskEvent::Completed) {
            let day = envelope.occurred_at.date_naive();
            *self
                .completions
                .entry((row.tenant_id.clone(), day, record.partition))
                .or_default() += 1;
        }
        self.history.push(HistoryRow {
            event_id: envelope.event_id,
            task_id,
            tenant_id: envelope.tenant_id.clone(),
            version,
            event_type: envelope.event_type.clone(),
            schema_version: record.event.event.schema_version() as i32,
            data: record.event.event.data(),
            recorded_schema_version: envelope.schema_version as i32,
            occurred_at: envelope.occurred_at,
            command_id: envelope.command_id.clone(),
            correlation_id: envelope.correlation_id.clone(),
            causation_id: envelope.causation_id.clone(),
            actor: envelope.actor.clone(),
            source_partition: record.partition,
            source_offset: record.offset,
        });
        self.after.insert(task_id, row);
        self.events += 1;
        self.newest_event_at = self.newest_event_at.max(Some(envelope.occurred_at));
    }

    pub fn finish(self) -> Changes {
        let mut status_deltas: BTreeMap<StatusKey, i64> = BTreeMap::new();
        for (task_id, after) in &self.after {
            if let Some(before) = self.before.get(task_id) {
                *status_deltas
                    .entry((
                        before.tenant_id.clone(),
                        before.task.status.as_str(),
                        before.source_partition,
                    ))
                    .or_default() -= 1;
            }
            *status_deltas
                .entry((
                    after.tenant_id.clone(),
                    after.task.status.as_str(),
                    after.source_partition,
                ))
                .or_default() += 1;
        }
        let mut tasks: Vec<TaskRow> = self.after.into_values().collect();
        // A fixed order makes concurrent writers lock rows in the same order.
        tasks.sort_unstable_by_key(|row| row.task_id);
        Changes {
            tasks,
            history: self.history,
            status_deltas: status_deltas
                .into_iter()
                .filter(|(_, delta)| *delta != 0)
                .collect(),
            completions: self.completions.into_iter().collect(),
            failures: self.failures.into_values().collect(),
            events: self.events,
            newest_event_at: self.newest_event_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use events::task::{Priority, Task, TaskCreated, TaskEvent};
    use events::{Aggregate, CommandMetadata, Envelope};

    use super::*;

    fn record(task_id: Uuid, version: u64, event: TaskEvent, offset: i64) -> Decoded<TaskRecord> {
        let meta = CommandMetadata {
            command_id: "c".into(),
            correlation_id: "c".into(),
            causation_id: "c".into(),
            actor: "a".into(),
            tenant_id: "acme".into(),
        };
        let envelope = Envelope::new(
            &event,
            Task::STREAM_TYPE,
            task_id,
            version,
            &meta,
            Utc::now(),
        );
        Decoded {
            partition: 0,
            offset,
            event: TaskRecord { envelope, event },
        }
    }

    fn created(title: &str) -> TaskEvent {
        TaskEvent::Created(TaskCreated {
            title: title.into(),
            description: None,
            priority: Priority::High,
            due_date: None,
            assignee: None,
            tags: vec![],
            project_id: None,
        })
    }

    #[test]
    fn several_events_of_a_task_fold_into_one_row_and_one_history_row_each() {
        let before = HashMap::new();
        let task = Uuid::now_v7();
        let mut fold = BatchFold::new(&before);
        fold.apply(&record(task, 1, created("a"), 10));
        fold.apply(&record(
            task,
            2,
            TaskEvent::Renamed { title: "b".into() },
            11,
        ));
        fold.apply(&record(task, 3, TaskEvent::Completed, 12));
        let changes = fold.finish();

        assert_eq!(changes.tasks.len(), 1);
        let row = &changes.tasks[0];
        assert_eq!(
            (row.task.title.as_str(), row.version, row.source_offset),
            ("b", 3, 12)
        );
        assert!(row.completed_at.is_some());
        assert_eq!(changes.history.len(), 3);
        assert_eq!(changes.events, 3);
        assert_eq!(
            changes.status_deltas,
            vec![(("acme".to_owned(), "completed", 0), 1)]
        );
        assert_eq!(changes.completions.len(), 1);
        assert!(changes.failures.is_empty());
    }

    #[test]
    fn status_moves_are_deltas_against_the_stored_row() {
        let empty = HashMap::new();
        let task = Uuid::now_v7();
        let mut seed = BatchFold::new(&empty);
        seed.apply(&record(task, 1, created("a"), 0));
        let stored: HashMap<Uuid, TaskRow> = seed
            .finish()
            .tasks
            .into_iter()
            .map(|row| (row.task_id, row))
            .collect();

        let mut fold = BatchFold::new(&stored);
        fold.apply(&record(task, 2, TaskEvent::Completed, 1));
        let changes = fold.finish();
        assert_eq!(
            changes.status_deltas,
            vec![
                (("acme".to_owned(), "completed", 0), 1),
                (("acme".to_owned(), "open", 0), -1)
            ]
        );
    }

    #[test]
    fn a_gap_stops_its_task_at_that_record_and_other_tasks_go_on() {
        let empty = HashMap::new();
        let task = Uuid::now_v7();
        let other = Uuid::now_v7();
        let mut fold = BatchFold::new(&empty);
        fold.apply(&record(task, 1, created("a"), 5));
        fold.apply(&record(task, 3, TaskEvent::Completed, 6));
        fold.apply(&record(other, 1, created("other"), 7));
        fold.apply(&record(task, 2, TaskEvent::Reopened, 8));
        fold.apply(&record(other, 2, TaskEvent::Completed, 9));
        let changes = fold.finish();

        assert_eq!(changes.failures.len(), 1);
        assert_eq!(changes.failures[0].offset, 6);
        assert!(
            changes.failures[0].reason.contains("gap"),
            "{}",
            changes.failures[0].reason
        );
        let version = |id: Uuid| {
            changes
                .tasks
                .iter()
                .find(|t| t.task_id == id)
                .unwrap()
                .version
        };
        assert_eq!(
            version(task),
            1,
            "nothing of the task after its failing record is applied"
        );
        assert_eq!(version(other), 2, "the other task goes on");
        assert_eq!(changes.history.len(), 3);
    }

    #[test]
    fn an_event_before_the_creation_cannot_be_applied() {
        let empty = HashMap::new();
        let mut fold = BatchFold::new(&empty);
        fold.apply(&record(Uuid::now_v7(), 1, TaskEvent::Completed, 0));
        let changes = fold.finish();
        assert!(changes.failures[0].reason.contains("not TaskCreated"));
        assert!(changes.tasks.is_empty());
    }

    #[test]
    fn a_replayed_event_is_ignored() {
        let empty = HashMap::new();
        let task = Uuid::now_v7();
        let mut fold = BatchFold::new(&empty);
        fold.apply(&record(task, 1, created("a"), 0));
        fold.apply(&record(task, 1, created("again"), 1));
        let changes = fold.finish();
        assert_eq!(changes.tasks[0].task.title, "a");
        assert_eq!(changes.events, 1);
        assert!(changes.failures.is_empty());
    }
}
