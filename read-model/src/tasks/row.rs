//! A row of `tasks_vN` as the projector folds it, and the text forms of its
//! enumerated columns.

use chrono::{DateTime, Utc};
use events::task::{Priority, Task, TaskStatus};
use uuid::Uuid;

/// One row of `tasks_vN`: the domain state plus what the log says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRow {
    pub task_id: Uuid,
    pub tenant_id: String,
    pub task: Task,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub source_partition: i32,
    pub source_offset: i64,
}

/// A `priority` column's value (`None`: not one the domain knows).
pub fn priority_from_str(text: &str) -> Option<Priority> {
    Priority::ALL
        .into_iter()
        .find(|priority| priority.as_str() == text)
}

/// A `status` column's value (`None`: not one the domain knows).
pub fn status_from_str(text: &str) -> Option<TaskStatus> {
    TaskStatus::ALL
        .into_iter()
        .find(|status| status.as_str() == text)
}
