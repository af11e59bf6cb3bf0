//! The rows of the `projects` projection's tables.

use chrono::{DateTime, Utc};
use events::project::{Project, ProjectStatus};
use events::task::TaskStatus;
use uuid::Uuid;

/// One row of `projects_vN`: the domain state plus what the log says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRow {
    pub project_id: Uuid,
    pub tenant_id: String,
    pub project: Project,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
    pub source_partition: i32,
    pub source_offset: i64,
}

/// One row of `project_tasks_vN`: a task's project (if any) and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectTaskRow {
    pub task_id: Uuid,
    pub tenant_id: String,
    pub project_id: Option<Uuid>,
    pub status: TaskStatus,
    pub version: i64,
}

/// A project `status` column's value (`None`: not one the domain knows).
pub fn project_status_from_str(text: &str) -> Option<ProjectStatus> {
    [ProjectStatus::Active, ProjectStatus::Archived]
        .into_iter()
        .find(|status| status.as_str() == text)
}
