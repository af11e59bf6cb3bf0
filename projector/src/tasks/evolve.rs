//! A task's row after one of its events.

use events::task::{Task, TaskEvent, evolve};
use read_model::tasks::TaskRow;

use super::record::TaskRecord;

/// The row after `record`, given the row before it (`None`: no such task
/// yet). The caller has checked that the versions follow each other.
pub fn evolve_row(
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
