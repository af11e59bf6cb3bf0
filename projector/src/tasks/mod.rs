//! Projection `tasks`: the current state of every task, its audit trail and
//! per-tenant statistics. Version N writes `tasks_vN`, `task_history_vN`,
//! `task_stats_vN` and `task_daily_completions_vN` (their names and rows are
//! `read_model::tasks`).

mod evolve;
mod fold;
mod record;
mod store;

use std::collections::HashMap;

use events::Aggregate;
use events::task::Task;
use sqlx::PgConnection;

use read_model::tasks::{NAME, TaskRow, TaskTables};

use crate::projection::{Applied, Decoded, Projection, ProjectionId};
pub use evolve::evolve_row;
pub use fold::{BatchFold, Changes};
pub use record::TaskRecord;

/// The `tasks` projection writing the tables of one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tasks {
    version: u32,
}

impl Tasks {
    /// Version 1: the tables the migrations create.
    pub const V1: Tasks = Tasks { version: 1 };

    pub fn version(version: u32) -> Self {
        Self { version }
    }

    pub fn table_names(&self) -> TaskTables {
        TaskTables::for_version(self.version)
    }
}

impl Projection for Tasks {
    type Event = TaskRecord;

    fn id(&self) -> ProjectionId {
        ProjectionId {
            name: NAME,
            version: self.version,
        }
    }

    fn at_version(&self, version: u32) -> Self {
        Self::version(version)
    }

    fn topic_names(&self) -> &'static [&'static str] {
        &[Task::TOPIC_NAME]
    }

    fn tables(&self) -> Vec<String> {
        self.table_names().all()
    }

    fn stream_tables(&self) -> Vec<(String, &'static str)> {
        let tables = self.table_names();
        vec![(tables.tasks, "task_id")]
    }

    fn decode(&self, value: Option<&[u8]>) -> Result<TaskRecord, String> {
        TaskRecord::decode(value)
    }

    async fn apply(
        &self,
        connection: &mut PgConnection,
        records: &[&Decoded<TaskRecord>],
    ) -> Result<Applied, sqlx::Error> {
        if records.is_empty() {
            return Ok(Applied::default());
        }
        let tables = self.table_names();
        let mut task_ids: Vec<uuid::Uuid> =
            records.iter().map(|r| r.event.envelope.stream_id).collect();
        task_ids.sort_unstable();
        task_ids.dedup();
        let before: HashMap<uuid::Uuid, TaskRow> =
            store::load_tasks(connection, &tables, &task_ids).await?;

        let mut fold = BatchFold::new(&before);
        for record in records {
            fold.apply(record);
        }
        let changes = fold.finish();

        store::upsert_tasks(connection, &tables, &changes.tasks).await?;
        store::insert_history(connection, &tables, &changes.history).await?;
        store::add_status_counts(connection, &tables, &changes.status_deltas).await?;
        store::add_completions(connection, &tables, &changes.completions).await?;
        Ok(Applied {
            events: changes.events,
            newest_event_at: changes.newest_event_at,
            failures: Vec::new(),
        })
    }
}
