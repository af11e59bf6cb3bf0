use chrono::{DateTime, Utc};
use events::task::{Priority, Task, TaskEvent, TaskStatus, evolve};
use uuid::Uuid;

use super::record::TaskRecord;

/// One row of `tasks_v1`: the domain state plus what the log says about it.
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

impl TaskRow {
    /// The row after `record`, given the row before it (`None`: no such task
    /// yet). The caller has checked that the versions follow each other.
    pub fn evolve(
        before: Option<&TaskRow>,
        record: &TaskRecord,
        partition: i32,
        offset: i64,
    ) -> TaskRow {
        let envelope = &record.envelope;
        let at = envelope.occurred_at;
        let mut row = match before {
            Some(before) => before.clone(),
            None => TaskRow {
                task_id: envelope.stream_id,
                // A task belongs to the tenant it was created in.
                tenant_id: envelope.tenant_id.clone(),
                task: Task::default(),
                version: 0,
                created_at: at,
                updated_at: at,
                completed_at: None,
                source_partition: partition,
                source_offset: offset,
            },
        };
        row.task = evolve(row.task, &record.event);
        row.version = envelope.version as i64;
        row.updated_at = at;
        row.source_partition = partition;
        row.source_offset = offset;
        match record.event {
            TaskEvent::Created(_) => row.created_at = at,
            TaskEvent::Completed => row.completed_at = Some(at),
            TaskEvent::Reopened => row.completed_at = None,
            _ => {}
        }
        row
    }
}

pub fn priority_from_str(text: &str) -> Option<Priority> {
    Priority::ALL
        .into_iter()
        .find(|priority| priority.as_str() == text)
}

pub fn status_from_str(text: &str) -> Option<TaskStatus> {
    TaskStatus::ALL
        .into_iter()
        .find(|status| status.as_str() == text)
}
