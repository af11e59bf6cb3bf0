//! Process manager `project_archival`: archiving a project archives its open
//! tasks, and a task that joins an archived project is moved back out. It
//! reads `events.projects` and `events.tasks` like a projection (the engine
//! gives it exactly-once batches with checkpoints, parking and versions);
//! its effect is the task commands it decides, written to the outbox
//! (`process_manager_commands`) in the batch's transaction and delivered by
//! the dispatcher (`crate::process`). What it decides is `react`.

mod react;
mod store;

use std::collections::BTreeSet;

use events::project::{Project, ProjectEvent};
use events::task::{Task, TaskEvent};
use events::{Aggregate, Envelope};
use read_model::process_managers::commands;
use read_model::process_managers::project_archival::{NAME, ProjectArchivalTables};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::projection::{Applied, Decoded, Kind, Projection, ProjectionId};
use crate::projects::ProjectsRecord;
pub use react::{Archival, ProjectState, TaskState, idempotency_key};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectArchival {
    version: u32,
}

impl ProjectArchival {
    pub const V1: ProjectArchival = ProjectArchival { version: 1 };

    pub fn table_names(&self) -> ProjectArchivalTables {
        ProjectArchivalTables::for_version(self.version)
    }
}

impl Projection for ProjectArchival {
    type Event = ProjectsRecord;

    fn id(&self) -> ProjectionId {
        ProjectionId {
            name: NAME,
            version: self.version,
        }
    }

    fn kind(&self) -> Kind {
        Kind::ProcessManager
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
        // A project named by a task before its own events are seen has a
        // row at version 0, which counts as not started.
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
        let mut task_ids = BTreeSet::new();
        let mut archived_projects = BTreeSet::new();
        for record in records {
            match &record.event {
                ProjectsRecord::Project(event) => {
                    if matches!(event.event, ProjectEvent::Archived) {
                        archived_projects.insert(event.envelope.stream_id);
                    }
                }
                ProjectsRecord::Task(event) => {
                    task_ids.insert(event.envelope.stream_id);
                }
            }
        }
        let task_ids: Vec<Uuid> = task_ids.into_iter().collect();
        let archived_projects: Vec<Uuid> = archived_projects.into_iter().collect();
        let mut archival = Archival {
            tasks: store::load_tasks(connection, &tables, &task_ids, &[]).await?,
            ..Archival::default()
        };
        // Every project the batch may decide about, locked before the
        // decisions: the ones whose events it holds, and the ones its tasks
        // join or are in.
        let mut project_ids = BTreeSet::new();
        for record in records {
            match &record.event {
                ProjectsRecord::Project(event) => {
                    project_ids.insert(event.envelope.stream_id);
                }
                ProjectsRecord::Task(event) => {
                    let joins = match &event.event {
                        TaskEvent::Created(created) => created.project_id,
                        TaskEvent::MovedToProject { project_id } => Some(*project_id),
                        _ => None,
                    };
                    project_ids.extend(joins);
                }
            }
        }
        project_ids.extend(
            archival
                .tasks
                .values()
                .filter_map(|state| state.task.project_id),
        );
        let project_ids: Vec<Uuid> = project_ids.into_iter().collect();
        archival.projects = store::lock_projects(connection, &tables, &project_ids).await?;
        // Read after the lock, so a task joining meanwhile is seen.
        let members = store::load_tasks(connection, &tables, &[], &archived_projects).await?;
        for (task_id, state) in members {
            archival.tasks.entry(task_id).or_insert(state);
        }

        let mut applied = Applied::default();
        for record in records {
            match &record.event {
                ProjectsRecord::Project(event) => archival.on_project(event),
                ProjectsRecord::Task(event) => archival.on_task(event),
            }
            let envelope: &Envelope = crate::record::ProjectedEvent::envelope(&record.event);
            applied.events += 1;
            applied.newest_event_at = applied.newest_event_at.max(Some(envelope.occurred_at));
        }

        let projects: Vec<(Uuid, &ProjectState)> = archival
            .changed_projects
            .iter()
            .filter_map(|id| Some((*id, archival.projects.get(id)?)))
            .collect();
        store::update_projects(connection, &tables, &projects).await?;
        let tasks: Vec<&TaskState> = archival
            .changed_tasks
            .iter()
            .filter_map(|id| archival.tasks.get(id))
            .collect();
        store::upsert_tasks(connection, &tables, &tasks).await?;
        commands::insert(connection, &archival.commands).await?;
        if !archival.commands.is_empty() {
            tracing::info!(
                process_manager = %self.id(),
                commands = archival.commands.len(),
                "decided commands"
            );
        }
        Ok(applied)
    }
}
