//! `process_manager_commands`: the outbox of every process manager. A
//! command is inserted in the transaction that consumed its cause and is
//! delivered by the dispatcher afterwards, as often as it takes; its
//! idempotency key makes the command API apply it once.

use std::collections::HashMap;
use std::time::Duration;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// A command a process manager decided to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandToSend {
    pub process_manager: &'static str,
    pub idempotency_key: String,
    pub tenant_id: String,
    /// The target aggregate's topic name (`tasks`), which is also its route.
    pub aggregate: &'static str,
    pub stream_id: Uuid,
    pub command: &'static str,
    pub body: serde_json::Value,
    /// The stream's version the decision was taken on (sent as `If-Match`).
    pub expected_version: Option<i64>,
    pub cause_event_id: Uuid,
}

/// A command waiting for delivery, locked by the dispatcher that read it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingCommand {
    pub id: i64,
    pub process_manager: String,
    pub idempotency_key: String,
    pub tenant_id: String,
    pub aggregate: String,
    pub stream_id: Uuid,
    pub command: String,
    pub body: serde_json::Value,
    pub expected_version: Option<i64>,
    pub cause_event_id: Uuid,
    pub attempts: i32,
}

/// Inserts `commands`; one already decided (same process manager and key,
/// e.g. by a rebuild) is left as it is.
pub async fn insert(
    connection: &mut PgConnection,
    commands: &[CommandToSend],
) -> Result<(), sqlx::Error> {
    if commands.is_empty() {
        return Ok(());
    }
    let text = |f: fn(&CommandToSend) -> String| commands.iter().map(f).collect::<Vec<_>>();
    sqlx::query(
        "INSERT INTO process_manager_commands
             (process_manager, idempotency_key, tenant_id, aggregate, stream_id, command, body,
              expected_version, cause_event_id)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[],
                              $7::jsonb[], $8::int8[], $9::uuid[])
         ON CONFLICT (process_manager, idempotency_key) DO NOTHING",
    )
    .bind(text(|c| c.process_manager.to_owned()))
    .bind(text(|c| c.idempotency_key.clone()))
    .bind(text(|c| c.tenant_id.clone()))
    .bind(text(|c| c.aggregate.to_owned()))
    .bind(commands.iter().map(|c| c.stream_id).collect::<Vec<_>>())
    .bind(text(|c| c.command.to_owned()))
    .bind(commands.iter().map(|c| c.body.clone()).collect::<Vec<_>>())
    .bind(commands.iter().map(|c| c.expected_version).collect::<Vec<_>>())
    .bind(commands.iter().map(|c| c.cause_event_id).collect::<Vec<_>>())
    .execute(connection)
    .await?;
    Ok(())
}

/// Locks up to `limit` due commands, oldest first, skipping those another
/// dispatcher holds. The lock lasts until the caller's transaction ends.
pub async fn lock_due(
    transaction: &mut PgConnection,
    limit: i64,
) -> Result<Vec<PendingCommand>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, process_manager, idempotency_key, tenant_id, aggregate, stream_id, command, body,
                expected_version, cause_event_id, attempts
         FROM process_manager_commands
         WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at, id
         LIMIT $1
         FOR UPDATE SKIP LOCKED",
    )
    .bind(limit)
    .fetch_all(transaction)
    .await
}

/// How a delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The command API applied it (or had, for this key).
    Done { status: u16 },
    /// The command API refused it for good (e.g. the task is archived
    /// already): it is not sent again.
    Refused { status: u16, error: String },
    /// It could not be delivered now: try again after `delay`.
    Retry {
        status: Option<u16>,
        error: String,
        delay: Duration,
    },
}

pub async fn record(
    connection: &mut PgConnection,
    id: i64,
    delivery: &Delivery,
) -> Result<(), sqlx::Error> {
    let (state, status, error, delay) = match delivery {
        Delivery::Done { status } => ("done", Some(*status), None, None),
        Delivery::Refused { status, error } => ("refused", Some(*status), Some(error), None),
        Delivery::Retry {
            status,
            error,
            delay,
        } => ("pending", *status, Some(error), Some(*delay)),
    };
    sqlx::query(
        "UPDATE process_manager_commands
         SET status = $2, attempts = attempts + 1, last_status = $3, last_error = $4,
             next_attempt_at = now() + make_interval(secs => $5),
             done_at = CASE WHEN $2 = 'pending' THEN NULL ELSE now() END
         WHERE id = $1",
    )
    .bind(id)
    .bind(state)
    .bind(status.map(i32::from))
    .bind(error)
    .bind(delay.map_or(0.0, |delay| delay.as_secs_f64()))
    .execute(connection)
    .await?;
    Ok(())
}

/// Per process manager, its commands not delivered yet.
pub async fn pending_by_process_manager(
    pool: &PgPool,
) -> Result<HashMap<String, i64>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT process_manager, count(*) FROM process_manager_commands
         WHERE status = 'pending' GROUP BY process_manager",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().collect())
}
