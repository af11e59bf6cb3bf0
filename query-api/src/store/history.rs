use chrono::{DateTime, Utc};
use read_model::tasks::TaskTables;
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

/// One event of a task's audit trail.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct HistoryEntry {
    pub event_id: Uuid,
    pub version: i64,
    pub event_type: String,
    /// The version `data` is in (events are upcast to the current one).
    pub schema_version: i32,
    /// The version the event was written with.
    pub recorded_schema_version: i32,
    pub data: serde_json::Value,
    pub occurred_at: DateTime<Utc>,
    pub tenant_id: String,
    pub actor: String,
    pub command_id: String,
    pub correlation_id: String,
    pub causation_id: String,
    pub partition: i32,
    pub offset: i64,
}

/// Up to `limit + 1` events after `after_version`, oldest first.
pub async fn list(
    pool: &PgPool,
    tables: &TaskTables,
    task_id: Uuid,
    after_version: i64,
    limit: i64,
) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT event_id, version, event_type, schema_version, recorded_schema_version, data, occurred_at,
                tenant_id, actor, command_id, correlation_id, causation_id,
                source_partition AS partition, source_offset AS \"offset\"
         FROM {} WHERE task_id = $1 AND version > $2
         ORDER BY version LIMIT $3",
        tables.history
    ))
    .bind(task_id)
    .bind(after_version)
    .bind(limit + 1)
    .fetch_all(pool)
    .await
}
