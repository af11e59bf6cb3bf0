//! Folds a batch in memory: each project's and task's events one after
//! another onto its row, so the batch ends with one upsert per row and one
//! history row per project event. The engine has checked the order.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use read_model::history::HistoryRow;
use read_model::projects::{ProjectRow, ProjectTaskRow};
use uuid::Uuid;

use super::evolve::{evolve_project, evolve_task};
use super::record::ProjectsRecord;
use crate::projection::Decoded;

/// The rows as stored before the batch.
#[derive(Debug, Default)]
pub struct Stored {
    pub projects: HashMap<Uuid, ProjectRow>,
    pub tasks: HashMap<Uuid, ProjectTaskRow>,
}

#[derive(Debug, Default)]
pub struct Changes {
    pub projects: Vec<ProjectRow>,
    pub tasks: Vec<ProjectTaskRow>,
    pub history: Vec<HistoryRow>,
    pub events: u64,
    pub newest_event_at: Option<DateTime<Utc>>,
}

pub fn fold(stored: &Stored, records: &[&Decoded<ProjectsRecord>]) -> Changes {
    let mut projects: HashMap<Uuid, ProjectRow> = HashMap::new();
    let mut tasks: HashMap<Uuid, ProjectTaskRow> = HashMap::new();
    let mut changes = Changes::default();
    for record in records {
        match &record.event {
            ProjectsRecord::Project(event) => {
                let id = event.envelope.stream_id;
                let before = projects.get(&id).or_else(|| stored.projects.get(&id));
                let row = evolve_project(before, event, record.partition, record.offset);
                changes.history.push(HistoryRow::of(
                    &event.envelope,
                    &event.event,
                    record.partition,
                    record.offset,
                ));
                projects.insert(id, row);
                changes.newest_event_at = changes
                    .newest_event_at
                    .max(Some(event.envelope.occurred_at));
            }
            ProjectsRecord::Task(event) => {
                let id = event.envelope.stream_id;
                let before = tasks.get(&id).or_else(|| stored.tasks.get(&id));
                tasks.insert(id, evolve_task(before, event));
                changes.newest_event_at = changes
                    .newest_event_at
                    .max(Some(event.envelope.occurred_at));
            }
        }
        changes.events += 1;
    }
    changes.projects = projects.into_values().collect();
    changes.tasks = tasks.into_values().collect();
    // A fixed order makes concurrent writers lock rows in the same order.
    changes.projects.sort_unstable_by_key(|row| row.project_id);
    changes.tasks.sort_unstable_by_key(|row| row.task_id);
    changes
}

#[cfg(test)]
mod tests {
    use events::project::{ProjectEvent, ProjectStatus};
    use events::task::{TaskEvent, TaskStatus};

    use super::*;
    use crate::testing::{decoded, project_created, record, task_created};

    fn project(id: Uuid, version: u64, event: ProjectEvent) -> Decoded<ProjectsRecord> {
        let event = ProjectsRecord::Project(record("acme", id, version, event));
        decoded(0, version as i64, event)
    }

    fn task(id: Uuid, version: u64, event: TaskEvent) -> Decoded<ProjectsRecord> {
        decoded(
            1,
            version as i64,
            ProjectsRecord::Task(record("acme", id, version, event)),
        )
    }

    #[test]
    fn given_a_project_and_a_task_in_it_when_the_task_moves_and_completes_then_rows_follow() {
        let (board, other, chore) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let records = [
            project(board, 1, project_created("Board")),
            project(board, 2, ProjectEvent::Archived),
            task(chore, 1, task_created("chore", Some(board))),
            task(chore, 2, TaskEvent::MovedToProject { project_id: other }),
            task(chore, 3, TaskEvent::Completed),
        ];
        let refs: Vec<_> = records.iter().collect();
        let changes = fold(&Stored::default(), &refs);

        assert_eq!(changes.projects.len(), 1);
        let row = &changes.projects[0];
        assert_eq!(row.project.status, ProjectStatus::Archived);
        assert_eq!(row.version, 2);
        assert!(row.archived_at.is_some());
        assert_eq!(
            changes.history.len(),
            2,
            "one history row per project event"
        );
        assert_eq!(
            changes.tasks,
            vec![ProjectTaskRow {
                task_id: chore,
                tenant_id: "acme".into(),
                project_id: Some(other),
                status: TaskStatus::Completed,
                version: 3,
            }]
        );
        assert_eq!(changes.events, 5);
    }
}
