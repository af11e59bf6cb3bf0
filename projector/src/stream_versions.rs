//! The queries most projections answer [`crate::Projection::stream_versions`]
//! and [`crate::Projection::skipped`] with, over tables keyed by stream id
//! with a `version` column. Table and column names come from the
//! projection's own table names, never from input.

use std::collections::HashMap;

use sqlx::PgConnection;
use uuid::Uuid;

/// A table holding one row per stream: its name and its stream id column.
pub type StreamTable<'a> = (&'a str, &'a str);

/// The version of each of `streams` found in one of `tables`. A row at
/// version 0 stands for a stream known only by reference (not started).
pub async fn from_tables(
    connection: &mut PgConnection,
    tables: &[StreamTable<'_>],
    streams: &[Uuid],
) -> Result<HashMap<Uuid, i64>, sqlx::Error> {
    if streams.is_empty() || tables.is_empty() {
        return Ok(HashMap::new());
    }
    let selects: Vec<String> = tables
        .iter()
        .map(|(table, id_column)| {
            format!(
                "SELECT {id_column}, version FROM {table} WHERE {id_column} = ANY($1) AND version > 0"
            )
        })
        .collect();
    let rows: Vec<(Uuid, i64)> = sqlx::query_as(&selects.join(" UNION ALL "))
        .bind(streams)
        .fetch_all(connection)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Counts a skipped event of `stream_id` as applied without effect: the
/// stream's version moves past it (to `version`) wherever it stands right
/// before it, so the events behind it follow without a gap.
pub async fn step_over(
    connection: &mut PgConnection,
    tables: &[StreamTable<'_>],
    stream_id: Uuid,
    version: i64,
) -> Result<bool, sqlx::Error> {
    let mut moved = false;
    for (table, id_column) in tables {
        let updated = sqlx::query(&format!(
            "UPDATE {table} SET version = $2 WHERE {id_column} = $1 AND version = $2 - 1"
        ))
        .bind(stream_id)
        .bind(version)
        .execute(&mut *connection)
        .await?;
        moved |= updated.rows_affected() == 1;
    }
    Ok(moved)
}
