//! The read models as the whole topic says they must be, recomputed here from
//! the records with the `events` crate alone, and as PostgreSQL holds them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use events::task::{Task, TaskEvent, evolve};
use events::{Envelope, fold};
use sqlx::{PgPool, Row};
use uuid::Uuid;

use crate::kafka::ReadRecord;

/// A `tasks_v1` row, field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFacts {
    pub tenant_id: String,
    pub title: String,
    pub description: Option<String>,
    pub priority: String,
    pub due_date: Option<NaiveDate>,
    pub assignee: Option<String>,
    pub tags: Vec<String>,
    pub status: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReadModels {
    pub tasks: BTreeMap<Uuid, TaskFacts>,
    /// (event_id, task_id, version, event_type)
    pub history: BTreeSet<(Uuid, Uuid, i64, String)>,
    pub history_rows: i64,
    /// (tenant, status) -> tasks; zero counts left out.
    pub counts: BTreeMap<(String, String), i64>,
    /// (tenant, day) -> completions
    pub completions: BTreeMap<(String, NaiveDate), i64>,
}

/// Folds every decodable record of the topic (records in partition, offset order).
pub fn expected(records: &[ReadRecord]) -> ReadModels {
    let mut streams: BTreeMap<Uuid, Vec<Envelope>> = BTreeMap::new();
    for record in records {
        let Ok(envelope) = Envelope::from_wire_bytes(&record.payload) else {
            continue;
        };
        if envelope.decode::<TaskEvent>().is_err() {
            continue;
        }
        streams
            .entry(envelope.stream_id)
            .or_default()
            .push(envelope);
    }
    let mut models = ReadModels::default();
    for (task_id, mut envelopes) in streams {
        envelopes.sort_by_key(|envelope| envelope.version);
        let decoded: Vec<TaskEvent> = envelopes.iter().map(|e| e.decode().unwrap()).collect();
        let task: Task = fold(&decoded);
        let first = &envelopes[0];
        let last = envelopes.last().unwrap();
        let mut completed_at = None;
        let mut state = Task::default();
        for (envelope, event) in envelopes.iter().zip(&decoded) {
            state = evolve(state, event);
            match event {
                TaskEvent::Completed => {
                    completed_at = Some(envelope.occurred_at);
                    *models
                        .completions
                        .entry((first.tenant_id.clone(), envelope.occurred_at.date_naive()))
                        .or_default() += 1;
                }
                TaskEvent::Reopened => completed_at = None,
                _ => {}
            }
            models.history.insert((
                envelope.event_id,
                task_id,
                envelope.version as i64,
                envelope.event_type.clone(),
            ));
            models.history_rows += 1;
        }
        assert_eq!(state, task);
        *models
            .counts
            .entry((first.tenant_id.clone(), task.status.as_str().to_owned()))
            .or_default() += 1;
        models.tasks.insert(
            task_id,
            TaskFacts {
                tenant_id: first.tenant_id.clone(),
                title: task.title.clone(),
                description: task.description.clone(),
                priority: task.priority.as_str().to_owned(),
                due_date: task.due_date,
                assignee: task.assignee.clone(),
                tags: task.tags.clone(),
                status: task.status.as_str().to_owned(),
                version: last.version as i64,
                created_at: first.occurred_at,
                updated_at: last.occurred_at,
                completed_at,
            },
        );
    }
    models
}

/// What the database holds in the tables of `tasks.v1`.
pub async fn actual(pool: &PgPool) -> ReadModels {
    actual_version(pool, 1).await
}

/// What the database holds in the tables of `tasks.v{version}`.
pub async fn actual_version(pool: &PgPool, version: u32) -> ReadModels {
    let tables = read_model::tasks::TaskTables::for_version(version);
    let mut models = ReadModels::default();
    let rows = sqlx::query(&format!(
        "SELECT task_id, tenant_id, title, description, priority, due_date, assignee, tags, status, version,
                created_at, updated_at, completed_at FROM {}",
        tables.tasks
    ))
    .fetch_all(pool)
    .await
    .expect("the tasks table");
    for row in rows {
        models.tasks.insert(
            row.get("task_id"),
            TaskFacts {
                tenant_id: row.get("tenant_id"),
                title: row.get("title"),
                description: row.get("description"),
                priority: row.get("priority"),
                due_date: row.get("due_date"),
                assignee: row.get("assignee"),
                tags: row.get("tags"),
                status: row.get("status"),
                version: row.get("version"),
                created_at: row.get("created_at"),
                updated_at: row.get("updated_at"),
                completed_at: row.get("completed_at"),
            },
        );
    }
    let rows = sqlx::query(&format!(
        "SELECT event_id, task_id, version, event_type FROM {}",
        tables.history
    ))
    .fetch_all(pool)
    .await
    .expect("the history table");
    models.history_rows = rows.len() as i64;
    for row in rows {
        models
            .history
            .insert((row.get(0), row.get(1), row.get(2), row.get(3)));
    }
    let rows = sqlx::query(&format!(
        "SELECT tenant_id, status, SUM(task_count)::int8 FROM {} GROUP BY 1, 2",
        tables.stats
    ))
    .fetch_all(pool)
    .await
    .expect("the stats table");
    for row in rows {
        let count: i64 = row.get(2);
        if count != 0 {
            models.counts.insert((row.get(0), row.get(1)), count);
        }
    }
    let rows = sqlx::query(&format!(
        "SELECT tenant_id, day, SUM(completions)::int8 FROM {} GROUP BY 1, 2",
        tables.completions
    ))
    .fetch_all(pool)
    .await
    .expect("the completions table");
    for row in rows {
        models
            .completions
            .insert((row.get(0), row.get(1)), row.get(2));
    }
    models
}

/// Compares every row and every count, reporting the first differences.
pub fn assert_same(actual: &ReadModels, expected: &ReadModels) {
    assert_eq!(actual.tasks.len(), expected.tasks.len(), "number of tasks");
    let mut differences = Vec::new();
    for (task_id, want) in &expected.tasks {
        match actual.tasks.get(task_id) {
            None => differences.push(format!("task {task_id} missing")),
            Some(got) if got != want => {
                differences.push(format!("task {task_id}: got {got:?}, want {want:?}"))
            }
            Some(_) => {}
        }
    }
    assert!(
        differences.is_empty(),
        "{} task rows differ, e.g. {:?}",
        differences.len(),
        &differences[..differences.len().min(3)]
    );
    assert_eq!(
        actual.history_rows, expected.history_rows,
        "history rows (one per event, none twice)"
    );
    assert!(actual.history == expected.history, "history rows differ");
    assert_eq!(actual.counts, expected.counts, "counts by status");
    assert_eq!(
        actual.completions, expected.completions,
        "completions per day"
    );
}

/// The offset after the last record of each partition.
pub fn end_offsets(records: &[ReadRecord]) -> std::collections::HashMap<i32, i64> {
    let mut ends = std::collections::HashMap::new();
    for record in records {
        let end = ends.entry(record.partition).or_insert(0);
        *end = (*end).max(record.offset + 1);
    }
    ends
}
