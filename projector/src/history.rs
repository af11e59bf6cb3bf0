//! Writing audit-trail rows, for every projection that keeps one.

use read_model::history::HistoryRow;
use sqlx::PgConnection;

/// Inserts `history` into `table`, whose stream id column is `id_column`
/// (the names come from the projection's own tables, never from input).
/// Idempotent on the event id.
pub async fn insert(
    connection: &mut PgConnection,
    table: &str,
    id_column: &str,
    history: &[HistoryRow],
) -> Result<(), sqlx::Error> {
    if history.is_empty() {
        return Ok(());
    }
    let text =
        |f: fn(&HistoryRow) -> &str| history.iter().map(|h| f(h).to_owned()).collect::<Vec<_>>();
    sqlx::query(&format!(
        "INSERT INTO {table} (event_id, {id_column}, tenant_id, version, event_type, schema_version, data,
                              recorded_schema_version, occurred_at, command_id, correlation_id,
                              causation_id, actor, source_partition, source_offset)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::int8[], $5::text[], $6::int4[],
                              $7::jsonb[], $8::int4[], $9::timestamptz[], $10::text[], $11::text[],
                              $12::text[], $13::text[], $14::int4[], $15::int8[])
         ON CONFLICT (event_id) DO NOTHING"
    ))
    .bind(history.iter().map(|h| h.event_id).collect::<Vec<_>>())
    .bind(history.iter().map(|h| h.stream_id).collect::<Vec<_>>())
    .bind(text(|h| &h.tenant_id))
    .bind(history.iter().map(|h| h.version).collect::<Vec<_>>())
    .bind(text(|h| &h.event_type))
    .bind(history.iter().map(|h| h.schema_version).collect::<Vec<_>>())
    .bind(history.iter().map(|h| h.data.clone()).collect::<Vec<_>>())
    .bind(history.iter().map(|h| h.recorded_schema_version).collect::<Vec<_>>())
    .bind(history.iter().map(|h| h.occurred_at).collect::<Vec<_>>())
    .bind(text(|h| &h.command_id))
    .bind(text(|h| &h.correlation_id))
    .bind(text(|h| &h.causation_id))
    .bind(text(|h| &h.actor))
    .bind(history.iter().map(|h| h.source_partition).collect::<Vec<_>>())
    .bind(history.iter().map(|h| h.source_offset).collect::<Vec<_>>())
    .execute(&mut *connection)
    .await?;
    Ok(())
}
