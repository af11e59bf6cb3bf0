//! Folds a batch in memory: each task's events are applied one after another
//! to its row, so the batch ends with one upsert per task, one history row per
//! event and one delta per statistics row, whatever the number of events.
//! The engine has checked the order: each record is its task's next event.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use events::task::TaskEvent;
use read_model::tasks::{DayKey, HistoryRow, StatusKey, TaskRow};
use uuid::Uuid;

use super::evolve::evolve_row;
use super::record::TaskRecord;
use crate::projection::Decoded;

#[derive(Debug, Default)]
pub struct Changes {
    pub tasks: Vec<TaskRow>,
    pub history: Vec<HistoryRow>,
    pub status_deltas: Vec<(StatusKey, i64)>,
    pub completions: Vec<(DayKey, i64)>,
    pub events: u64,
    pub newest_event_at: Option<DateTime<Utc>>,
}

pub struct BatchFold<'a> {
    before: &'a HashMap<Uuid, TaskRow>,
    after: HashMap<Uuid, TaskRow>,
    history: Vec<HistoryRow>,
    completions: BTreeMap<DayKey, i64>,
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
            events: 0,
            newest_event_at: None,
        }
    }

    /// Applies one record: the next event of its task (the engine checks
    /// the order), in log order per partition.
    pub fn apply(&mut self, record: &Decoded<TaskRecord>) {
        let envelope = &record.event.envelope;
        let task_id = envelope.stream_id;
        let current = self
            .after
            .get(&task_id)
            .or_else(|| self.before.get(&task_id));
        let row = evolve_row(current, &record.event, record.partition, record.offset);
        if matches!(record.event.event, TaskEvent::Completed) {
            let day = envelope.occurred_at.date_naive();
            *self
                .completions
                .entry((row.tenant_id.clone(), day, record.partition))
                .or_default() += 1;
        }
        self.history.push(HistoryRow::of(
            envelope,
            &record.event.event,
            record.partition,
            record.offset,
        ));
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
            events: self.events,
            newest_event_at: self.newest_event_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use events::task::TaskEvent;

    use super::*;
    use crate::testing::{decoded, record as event_record, task_created};

    fn record(task_id: Uuid, version: u64, event: TaskEvent, offset: i64) -> Decoded<TaskRecord> {
        decoded(0, offset, event_record("acme", task_id, version, event))
    }

    fn created(title: &str) -> TaskEvent {
        task_created(title, None)
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
}
