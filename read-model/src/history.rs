//! A row of an audit-trail table (`task_history_vN`, `project_history_vN`):
//! one per event of a stream, keyed by the event's id. Every projection with
//! an audit trail writes these same columns, its stream's id column named
//! after the aggregate (`task_id`, `project_id`).

use chrono::{DateTime, Utc};
use events::{DomainEvent, Envelope};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub event_id: Uuid,
    pub stream_id: Uuid,
    pub tenant_id: String,
    pub version: i64,
    pub event_type: String,
    /// The schema version of `data`: the event upcast to the current one ...
    pub schema_version: i32,
    pub data: serde_json::Value,
    /// ... and the version it was written with.
    pub recorded_schema_version: i32,
    pub occurred_at: DateTime<Utc>,
    pub command_id: String,
    pub correlation_id: String,
    pub causation_id: String,
    pub actor: String,
    pub source_partition: i32,
    pub source_offset: i64,
}

impl HistoryRow {
    /// The row of `event`, read from `envelope` at `partition`/`offset`.
    pub fn of(envelope: &Envelope, event: &impl DomainEvent, partition: i32, offset: i64) -> Self {
        Self {
            event_id: envelope.event_id,
            stream_id: envelope.stream_id,
            tenant_id: envelope.tenant_id.clone(),
            version: envelope.version as i64,
            event_type: envelope.event_type.clone(),
            schema_version: event.schema_version() as i32,
            data: event.data(),
            recorded_schema_version: envelope.schema_version as i32,
            occurred_at: envelope.occurred_at,
            command_id: envelope.command_id.clone(),
            correlation_id: envelope.correlation_id.clone(),
            causation_id: envelope.causation_id.clone(),
            actor: envelope.actor.clone(),
            source_partition: partition,
            source_offset: offset,
        }
    }
}
