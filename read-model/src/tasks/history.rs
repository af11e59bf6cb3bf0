//! A row of `task_history_vN`: one per event, keyed by its id.

use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub event_id: Uuid,
    pub task_id: Uuid,
    pub tenant_id: String,
    pub version: i64,
    pub event_type: String,
    pub schema_version: i32,
    pub data: serde_json::Value,
    pub recorded_schema_version: i32,
    pub occurred_at: DateTime<Utc>,
    pub command_id: String,
    pub correlation_id: String,
    pub causation_id: String,
    pub actor: String,
    pub source_partition: i32,
    pub source_offset: i64,
}
