//! The `parked_events` table: one row per parked record, whether it failed
//! itself or waits behind an earlier parked event of its stream.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool, Row};

use super::raw_record::RawRecord;

pub const PARKED: &str = "parked";
pub const RETRIED: &str = "retried";
pub const SKIPPED: &str = "skipped";

/// A row of `parked_events`.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ParkedEvent {
    pub id: i64,
    pub projection: String,
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub stream_id: Option<String>,
    pub error: String,
    #[serde(skip)]
    pub record_key: Option<Vec<u8>>,
    #[serde(skip)]
    pub record_value: Option<Vec<u8>>,
    pub headers: serde_json::Value,
    pub parked_at: DateTime<Utc>,
    pub status: String,
    pub skipped_by: Option<String>,
    pub skip_reason: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, projection, topic, partition, \"offset\", stream_id, error, record_key, \
                       record_value, headers, parked_at, status, skipped_by, skip_reason, resolved_at";

/// A record to park.
#[derive(Debug, Clone)]
pub struct ToPark<'a> {
    pub partition: i32,
    pub offset: i64,
    pub stream_id: Option<String>,
    pub error: String,
    pub raw: Option<&'a RawRecord>,
}

/// Per (partition, stream) of `partitions`, the offset of the stream's
/// earliest parked event: the stream's records from there on wait behind it.
pub async fn waiting_streams(
    connection: &mut PgConnection,
    projection: &str,
    topic: &str,
    partitions: &[i32],
) -> Result<HashMap<(i32, String), i64>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT partition, stream_id, min(\"offset\") FROM parked_events
         WHERE projection = $1 AND topic = $2 AND partition = ANY($3)
           AND status = 'parked' AND stream_id IS NOT NULL
         GROUP BY partition, stream_id",
    )
    .bind(projection)
    .bind(topic)
    .bind(partitions)
    .fetch_all(&mut *connection)
    .await?;
    rows.iter()
        .map(|row| Ok(((row.try_get(0)?, row.try_get(1)?), row.try_get(2)?)))
        .collect()
}

/// Parks records that failed themselves. A record parked before at the same
/// offset (an operator reset re-read it) is parked again with the new error,
/// whatever became of it then. Returns the ids, in the order given.
pub async fn park_failed(
    connection: &mut PgConnection,
    projection: &str,
    topic: &str,
    records: &[ToPark<'_>],
) -> Result<Vec<i64>, sqlx::Error> {
    insert(
        connection,
        projection,
        topic,
        records,
        "DO UPDATE SET status = 'parked', error = EXCLUDED.error, parked_at = now(), resolved_at = NULL",
    )
    .await
}

/// Parks records behind an earlier parked event of their streams. A record
/// already parked keeps its row (and its error); one resolved before is
/// parked again.
pub async fn park_behind(
    connection: &mut PgConnection,
    projection: &str,
    topic: &str,
    records: &[ToPark<'_>],
) -> Result<Vec<i64>, sqlx::Error> {
    insert(
        connection,
        projection,
        topic,
        records,
        "DO UPDATE SET status = 'parked', error = EXCLUDED.error, parked_at = now(), resolved_at = NULL
         WHERE parked_events.status <> 'parked'",
    )
    .await
}

async fn insert(
    connection: &mut PgConnection,
    projection: &str,
    topic: &str,
    records: &[ToPark<'_>],
    on_conflict: &str,
) -> Result<Vec<i64>, sqlx::Error> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let raw = |record: &ToPark<'_>| record.raw.cloned().unwrap_or_default();
    let raws: Vec<RawRecord> = records.iter().map(raw).collect();
    sqlx::query_scalar(&format!(
        "INSERT INTO parked_events
             (projection, topic, partition, \"offset\", stream_id, error, record_key, record_value, headers)
         SELECT $1, $2, r.* FROM UNNEST($3::int4[], $4::int8[], $5::text[], $6::text[], $7::bytea[],
                                        $8::bytea[], $9::jsonb[]) AS r
         ON CONFLICT (projection, topic, partition, \"offset\") {on_conflict}
         RETURNING id"
    ))
    .bind(projection)
    .bind(topic)
    .bind(records.iter().map(|r| r.partition).collect::<Vec<_>>())
    .bind(records.iter().map(|r| r.offset).collect::<Vec<_>>())
    .bind(
        records
            .iter()
            .map(|r| r.stream_id.clone())
            .collect::<Vec<_>>(),
    )
    .bind(records.iter().map(|r| r.error.clone()).collect::<Vec<_>>())
    .bind(raws.iter().map(|r| r.key.clone()).collect::<Vec<_>>())
    .bind(raws.iter().map(|r| r.value.clone()).collect::<Vec<_>>())
    .bind(raws.iter().map(RawRecord::headers_json).collect::<Vec<_>>())
    .fetch_all(&mut *connection)
    .await
}

/// Events waiting in `partitions` (all partitions when `None`) of one
/// projection version.
pub async fn count_waiting(
    pool: &PgPool,
    projection: &str,
    partitions: Option<&[i32]>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT count(*) FROM parked_events
         WHERE projection = $1 AND status = 'parked' AND ($2::int4[] IS NULL OR partition = ANY($2))",
    )
    .bind(projection)
    .bind(partitions)
    .fetch_one(pool)
    .await
}

/// Events waiting, per projection version (versions with none are absent).
pub async fn waiting_by_projection(pool: &PgPool) -> Result<HashMap<String, i64>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT projection, count(*) FROM parked_events WHERE status = 'parked' GROUP BY projection",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
}

/// Whether the record at this position waits parked (a read-your-writes
/// check: the checkpoint is past it, but its effect is not in the tables).
pub async fn is_waiting_at(
    pool: &PgPool,
    projection: &str,
    topic: &str,
    partition: i32,
    offset: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM parked_events
                        WHERE projection = $1 AND topic = $2 AND partition = $3 AND \"offset\" = $4
                          AND status = 'parked')",
    )
    .bind(projection)
    .bind(topic)
    .bind(partition)
    .bind(offset)
    .fetch_one(pool)
    .await
}

/// Parked events, oldest first: those still waiting, or every one.
pub async fn list(
    pool: &PgPool,
    projection: Option<&str>,
    include_resolved: bool,
) -> Result<Vec<ParkedEvent>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM parked_events
         WHERE ($1::text IS NULL OR projection = $1) AND ($2 OR status = 'parked')
         ORDER BY projection, partition, \"offset\""
    ))
    .bind(projection)
    .bind(include_resolved)
    .fetch_all(pool)
    .await
}

pub async fn get(
    connection: &mut PgConnection,
    id: i64,
) -> Result<Option<ParkedEvent>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM parked_events WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *connection)
    .await
}

/// The waiting events of `event`'s stream in log order, locked for the rest
/// of the transaction (just `event` when its stream is unknown).
pub async fn stream_for_update(
    connection: &mut PgConnection,
    event: &ParkedEvent,
) -> Result<Vec<ParkedEvent>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM parked_events
         WHERE projection = $1 AND topic = $2 AND partition = $3 AND status = 'parked'
           AND (stream_id = $4 OR ($4 IS NULL AND id = $5))
         ORDER BY \"offset\"
         FOR UPDATE"
    ))
    .bind(&event.projection)
    .bind(&event.topic)
    .bind(event.partition)
    .bind(&event.stream_id)
    .bind(event.id)
    .fetch_all(&mut *connection)
    .await
}

pub async fn mark_retried(connection: &mut PgConnection, ids: &[i64]) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE parked_events SET status = 'retried', resolved_at = now() WHERE id = ANY($1)",
    )
    .bind(ids)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

pub async fn mark_skipped(
    connection: &mut PgConnection,
    id: i64,
    by: &str,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE parked_events SET status = 'skipped', skipped_by = $2, skip_reason = $3, resolved_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(by)
    .bind(reason)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// Records why a waiting event still cannot be applied (after a retry).
pub async fn set_error(
    connection: &mut PgConnection,
    id: i64,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE parked_events SET error = $2 WHERE id = $1")
        .bind(id)
        .bind(error)
        .execute(&mut *connection)
        .await?;
    Ok(())
}

/// Forgets every parked event of a projection version (it is being dropped).
pub async fn delete_all(
    connection: &mut PgConnection,
    projection: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM parked_events WHERE projection = $1")
        .bind(projection)
        .execute(&mut *connection)
        .await?;
    Ok(())
}
