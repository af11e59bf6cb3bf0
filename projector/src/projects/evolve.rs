//! The rows after one event: a project's row from its own events, and a
//! task's project and status from the task's events. Both fold the domain's
//! own `evolve`, so the read model follows the rules the writer decided by.

use chrono::{DateTime, Utc};
use events::project::{self, Project, ProjectEvent};
use events::task::{self, Task};
use read_model::projects::{ProjectRow, ProjectTaskRow};

use crate::record::Record;

/// The project's row after `record` (`before`: `None` for its first event).
pub fn evolve_project(
    before: Option<&ProjectRow>,
    record: &Record<Project>,
    partition: i32,
    offset: i64,
) -> ProjectRow {
    let envelope = &record.envelope;
    let at: DateTime<Utc> = envelope.occurred_at;
    let mut row = match before {
        Some(before) => before.clone(),
        None => ProjectRow {
            project_id: envelope.stream_id,
            // A project belongs to the tenant it was created in.
            tenant_id: envelope.tenant_id.clone(),
            project: Project::default(),
            version: 0,
            created_at: at,
            updated_at: at,
            archived_at: None,
            source_partition: partition,
            source_offset: offset,
        },
    };
    row.project = project::evolve(row.project, &record.event);
    row.version = envelope.version as i64;
    row.updated_at = at;
    row.source_partition = partition;
    row.source_offset = offset;
    match record.event {
        ProjectEvent::Archived => row.archived_at = Some(at),
        ProjectEvent::Restored => row.archived_at = None,
        _ => {}
    }
    row
}

/// The task's project and status after `record` (`before`: `None` for its
/// first event).
pub fn evolve_task(before: Option<&ProjectTaskRow>, record: &Record<Task>) -> ProjectTaskRow {
    let envelope = &record.envelope;
    // Only the status and the project are kept; the other fields of the
    // task's state are not needed to fold them.
    let state = match before {
        Some(before) => Task {
            created: true,
            status: before.status,
            project_id: before.project_id,
            ..Task::default()
        },
        None => Task::default(),
    };
    let state = task::evolve(state, &record.event);
    ProjectTaskRow {
        task_id: envelope.stream_id,
        tenant_id: before.map_or_else(|| envelope.tenant_id.clone(), |b| b.tenant_id.clone()),
        project_id: state.project_id,
        status: state.status,
        version: envelope.version as i64,
    }
}
