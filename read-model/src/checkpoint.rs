//! The checkpoint table: per (projection, topic, partition), the offset of the
//! next record to apply (or park). It moves forward only inside the
//! transaction that applied the records below it, and every forward move is
//! announced with `NOTIFY` so readers can wait for a position without
//! polling. Only an operator's reset moves it back.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool, Row};

/// The `LISTEN`/`NOTIFY` channel announcing checkpoint moves.
pub const NOTIFY_CHANNEL: &str = "projection_checkpoints";

/// The payload of a notification on [`NOTIFY_CHANNEL`] (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointMoved {
    pub projection: String,
    pub topic: String,
    pub partition: i32,
    pub next_offset: i64,
}

/// The stored next offsets of `partitions` (partitions never applied are absent).
pub async fn load(
    pool: &PgPool,
    projection: &str,
    topic: &str,
    partitions: &[i32],
) -> Result<HashMap<i32, i64>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT partition, next_offset FROM projection_checkpoints
         WHERE projection = $1 AND topic = $2 AND partition = ANY($3)",
    )
    .bind(projection)
    .bind(topic)
    .bind(partitions)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
}

/// Every stored checkpoint of every projection.
pub async fn all(pool: &PgPool) -> Result<Vec<CheckpointMoved>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT projection, topic, partition, next_offset FROM projection_checkpoints")
            .fetch_all(pool)
            .await?;
    rows.iter()
        .map(|row| {
            Ok(CheckpointMoved {
                projection: row.try_get(0)?,
                topic: row.try_get(1)?,
                partition: row.try_get(2)?,
                next_offset: row.try_get(3)?,
            })
        })
        .collect()
}

/// Locks the checkpoint rows of `partitions` for the rest of the transaction
/// (creating them at 0 when missing) and returns their next offsets. Rows are
/// locked in partition order, so two workers can never deadlock on them; a
/// worker that lost a partition but still has a batch in flight waits here
/// and then sees how far the new owner got.
pub async fn lock(
    transaction: &mut PgConnection,
    projection: &str,
    topic: &str,
    partitions: &[i32],
) -> Result<HashMap<i32, i64>, sqlx::Error> {
    sqlx::query(
        "INSERT INTO projection_checkpoints (projection, topic, partition, next_offset)
         SELECT $1, $2, p, 0 FROM UNNEST($3::int4[]) AS p
         ON CONFLICT DO NOTHING",
    )
    .bind(projection)
    .bind(topic)
    .bind(partitions)
    .execute(&mut *transaction)
    .await?;
    let rows = sqlx::query(
        "SELECT partition, next_offset FROM projection_checkpoints
         WHERE projection = $1 AND topic = $2 AND partition = ANY($3)
         ORDER BY partition
         FOR UPDATE",
    )
    .bind(projection)
    .bind(topic)
    .bind(partitions)
    .fetch_all(&mut *transaction)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
}

/// Moves the checkpoints of the (partition, next offset) pairs, never
/// backwards, and queues one notification each (delivered at commit).
pub async fn advance(
    transaction: &mut PgConnection,
    projection: &str,
    topic: &str,
    moves: &[(i32, i64)],
) -> Result<(), sqlx::Error> {
    if moves.is_empty() {
        return Ok(());
    }
    let partitions: Vec<i32> = moves.iter().map(|(partition, _)| *partition).collect();
    let offsets: Vec<i64> = moves.iter().map(|(_, offset)| *offset).collect();
    sqlx::query(
        "WITH moved AS (
             UPDATE projection_checkpoints AS c
             SET next_offset = m.next_offset, updated_at = now()
             FROM UNNEST($3::int4[], $4::int8[]) AS m(partition, next_offset)
             WHERE c.projection = $1 AND c.topic = $2 AND c.partition = m.partition
               AND c.next_offset <= m.next_offset
             RETURNING c.partition, c.next_offset
         )
         SELECT pg_notify($5, json_build_object(
             'projection', $1::text, 'topic', $2::text,
             'partition', partition, 'next_offset', next_offset)::text)
         FROM moved",
    )
    .bind(projection)
    .bind(topic)
    .bind(&partitions)
    .bind(&offsets)
    .bind(NOTIFY_CHANNEL)
    .fetch_all(&mut *transaction)
    .await?;
    Ok(())
}

/// Moves the checkpoints of the (partition, next offset) pairs back (an
/// operator's reset), never forwards; the owning workers notice and seek
/// back. Returns the partitions moved.
pub async fn rewind(
    transaction: &mut PgConnection,
    projection: &str,
    topic: &str,
    moves: &[(i32, i64)],
) -> Result<Vec<i32>, sqlx::Error> {
    if moves.is_empty() {
        return Ok(Vec::new());
    }
    let partitions: Vec<i32> = moves.iter().map(|(partition, _)| *partition).collect();
    let offsets: Vec<i64> = moves.iter().map(|(_, offset)| *offset).collect();
    let mut moved: Vec<i32> = sqlx::query_scalar(
        "UPDATE projection_checkpoints AS c
         SET next_offset = m.next_offset, updated_at = now()
         FROM UNNEST($3::int4[], $4::int8[]) AS m(partition, next_offset)
         WHERE c.projection = $1 AND c.topic = $2 AND c.partition = m.partition
           AND m.next_offset < c.next_offset
         RETURNING c.partition",
    )
    .bind(projection)
    .bind(topic)
    .bind(&partitions)
    .bind(&offsets)
    .fetch_all(&mut *transaction)
    .await?;
    moved.sort_unstable();
    Ok(moved)
}

/// Forgets every checkpoint of a projection version (it is being dropped).
pub async fn delete_all(
    transaction: &mut PgConnection,
    projection: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM projection_checkpoints WHERE projection = $1")
        .bind(projection)
        .execute(&mut *transaction)
        .await?;
    Ok(())
}
