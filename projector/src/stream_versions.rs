//! The query most projections answer [`crate::Projection::stream_versions`]
//! with: the `version` column of a table keyed by stream id.

use std::collections::HashMap;

use sqlx::PgConnection;
use uuid::Uuid;

/// `SELECT <id_column>, version FROM <table> WHERE <id_column> = ANY(streams)`.
/// The names come from the projection's own table names, never from input.
pub async fn from_table(
    connection: &mut PgConnection,
    table: &str,
    id_column: &str,
    streams: &[Uuid],
) -> Result<HashMap<Uuid, i64>, sqlx::Error> {
    if streams.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, i64)> = sqlx::query_as(&format!(
        "SELECT {id_column}, version FROM {table} WHERE {id_column} = ANY($1)"
    ))
    .bind(streams)
    .fetch_all(connection)
    .await?;
    Ok(rows.into_iter().collect())
}
