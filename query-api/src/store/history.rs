//! Audit trails: one row per event of a task (`task_history_vN`) or of a
//! project (`project_history_vN`), the same columns keyed by the stream's id.

use chrono::{DateTime, Utc};
use read_model::projects::ProjectTables;
use read_model::tasks::TaskTables;
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

/// One event of a task's or a project's audit trail.
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

/// Up to `limit + 1` events of the task after `after_version`, oldest first.
pub async fn of_task(
    pool: &PgPool,
    tables: &TaskTables,
    task_id: Uuid,
    after_version: i64,
    limit: i64,
) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    list(
        pool,
        &tables.history,
        "task_id",
        task_id,
        after_version,
        limit,
    )
    .await
}

/// Up to `limit + 1` events of the project after `after_version`, oldest first.
pub async fn of_project(
    pool: &PgPool,
    tables: &ProjectTables,
    project_id: Uuid,
    after_version: i64,
    limit: i64,
) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    list(
        pool,
        &tables.history,
        "project_id",
        project_id,
        after_version,
        limit,
    )
    .await
}

/// `table` and `stream_column` are this crate's constants, never client input.
async fn list(
    pool: &PgPool,
    table: &str,
    stream_column: &str,
    stream_id: Uuid,
    after_version: i64,
    limit: i64,
) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT event_id, version, event_type, schema_version, recorded_schema_version, data, occurred_at,
                tenant_id, actor, command_id, correlation_id, causation_id,
                source_partition AS partition, source_offset AS \"offset\"
         FROM {table} WHERE {stream_column} = $1 AND version > $2
         ORDER BY version LIMIT $3"
    ))
    .bind(stream_id)
    .bind(after_version)
    .bind(limit + 1)
    .fetch_all(pool)
    .await
}
