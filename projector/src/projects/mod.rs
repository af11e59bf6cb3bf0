//! Projection `projects`, a cross-aggregate projection: it reads
//! `events.projects` for the current state of every project and its audit
//! trail, and `events.tasks` for each task's project and status, from which
//! the query API counts a project's tasks by status. Version N writes
//! `projects_vN`, `project_history_vN` and `project_tasks_vN` (their names
//! and rows are `read_model::projects`).
//!
//! The engine runs one worker per topic, so batches of the two topics apply
//! concurrently; they write different rows (a project's row only from its
//! events, a task's row only from its), so their order does not matter. A
//! task counts in a project of its own tenant only, which the query
//! enforces by joining on the tenant.

mod evolve;
mod fold;
mod record;
mod store;

use events::Aggregate;
use events::project::Project;
use events::task::Task;
use read_model::projects::{NAME, ProjectTables};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::projection::{Applied, Decoded, Projection, ProjectionId};
pub use evolve::evolve_task;
pub use fold::{Changes, Stored, fold};
pub use record::ProjectsRecord;

/// The `projects` projection writing the tables of one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Projects {
    version: u32,
}

impl Projects {
    /// Version 1: the tables the migrations create.
    pub const V1: Projects = Projects { version: 1 };

    pub fn table_names(&self) -> ProjectTables {
        ProjectTables::for_version(self.version)
    }
}

impl Projection for Projects {
    type Event = ProjectsRecord;

    fn id(&self) -> ProjectionId {
        ProjectionId {
            name: NAME,
            version: self.version,
        }
    }

    fn at_version(&self, version: u32) -> Self {
        Self { version }
    }

    fn topic_names(&self) -> &'static [&'static str] {
        &[Project::TOPIC_NAME, Task::TOPIC_NAME]
    }

    fn tables(&self) -> Vec<String> {
        self.table_names().all()
    }

    fn stream_tables(&self) -> Vec<(String, &'static str)> {
        let tables = self.table_names();
        vec![(tables.projects, "project_id"), (tables.tasks, "task_id")]
    }

    fn decode(&self, value: Option<&[u8]>) -> Result<ProjectsRecord, String> {
        ProjectsRecord::decode(value)
    }

    async fn apply(
        &self,
        connection: &mut PgConnection,
        records: &[&Decoded<ProjectsRecord>],
    ) -> Result<Applied, sqlx::Error> {
        if records.is_empty() {
            return Ok(Applied::default());
        }
        let tables = self.table_names();
        let ids_of = |want_projects: bool| -> Vec<Uuid> {
            let mut ids: Vec<Uuid> = records
                .iter()
                .filter(|r| matches!(r.event, ProjectsRecord::Project(_)) == want_projects)
                .map(|r| crate::record::ProjectedEvent::envelope(&r.event).stream_id)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let stored = Stored {
            projects: store::load_projects(connection, &tables, &ids_of(true)).await?,
            tasks: store::load_tasks(connection, &tables, &ids_of(false)).await?,
        };
        let changes = fold(&stored, records);
        store::upsert_projects(connection, &tables, &changes.projects).await?;
        store::upsert_tasks(connection, &tables, &changes.tasks).await?;
        crate::history::insert(connection, &tables.history, "project_id", &changes.history).await?;
        Ok(Applied {
            events: changes.events,
            newest_event_at: changes.newest_event_at,
            failures: Vec::new(),
        })
    }
}
