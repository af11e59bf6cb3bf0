//! Resolving parked events: `retry` re-applies a stream's parked events in
//! log order (after a fix was deployed); `skip` sets the stream's first
//! parked event aside for good, noting who and why, and re-applies the ones
//! behind it.
//!
//! Both lock the partition's checkpoint row first, the lock every batch of
//! the projection takes: a worker cannot park another event of the stream
//! while its parked events are being released, and no event of the stream
//! can be applied before them.

use read_model::checkpoint;
use read_model::parked::{self as store, PARKED, ParkedEvent};
use serde::Serialize;
use sqlx::{Connection, PgConnection, PgPool};

use crate::engine::stream_order;
use crate::projection::{Decoded, ProjectedEvent, Projection};
use crate::refusal::refused_for_its_data;

#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    #[error("there is no parked event {0}")]
    NotFound(i64),
    #[error("parked event {id} is {status}, not parked")]
    NotParked { id: i64, status: String },
    #[error(
        "parked event {id} waits behind parked event {first} of the same stream; skip or retry that one first"
    )]
    NotFirst { id: i64, first: i64 },
    #[error("parked event {id} belongs to {actual}, not {expected}")]
    OtherProjection {
        id: i64,
        actual: String,
        expected: String,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// What a release did to a stream's parked events.
#[derive(Debug, Clone, Serialize)]
pub struct Released {
    pub projection: String,
    pub stream_id: Option<String>,
    /// The event set aside by a skip.
    pub skipped: Option<i64>,
    /// The events applied, in log order.
    pub applied: Vec<i64>,
    /// The first event that still cannot be applied, and why; it and the
    /// events behind it stay parked.
    pub still_parked: Option<StillParked>,
    /// How many events of the stream are still parked.
    pub waiting: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct StillParked {
    pub id: i64,
    pub offset: i64,
    pub error: String,
}

impl Released {
    /// True when nothing of the stream is parked any more.
    pub fn unparked(&self) -> bool {
        self.waiting == 0
    }
}

/// Re-applies the parked events of `id`'s stream in log order, from the
/// stream's first parked event, and stops at the first that still fails
/// (it keeps its place, with the new error). The stream is unparked when
/// all of them apply.
pub async fn retry<P: Projection>(
    pool: &PgPool,
    projection: &P,
    id: i64,
) -> Result<Released, ReleaseError> {
    let mut transaction = pool.begin().await?;
    let stream = lock_stream(&mut transaction, projection, id).await?;
    let released = release(&mut transaction, projection, stream, None).await?;
    transaction.commit().await?;
    Ok(released)
}

/// Sets the stream's first parked event `id` aside (`by` and `reason` are
/// kept with it), tells the projection, and re-applies the events behind it
/// as [`retry`] does.
pub async fn skip<P: Projection>(
    pool: &PgPool,
    projection: &P,
    id: i64,
    by: &str,
    reason: &str,
) -> Result<Released, ReleaseError> {
    let mut transaction = pool.begin().await?;
    let mut stream = lock_stream(&mut transaction, projection, id).await?;
    let first = stream.remove(0);
    if first.id != id {
        return Err(ReleaseError::NotFirst {
            id,
            first: first.id,
        });
    }
    store::mark_skipped(&mut transaction, id, by, reason).await?;
    projection
        .skipped(&mut transaction, first.record_value.as_deref())
        .await?;
    let mut released = release(&mut transaction, projection, stream, Some(id)).await?;
    released.stream_id = first.stream_id;
    transaction.commit().await?;
    Ok(released)
}

/// Locks the checkpoint of `id`'s partition, then the stream's parked events.
async fn lock_stream<P: Projection>(
    transaction: &mut PgConnection,
    projection: &P,
    id: i64,
) -> Result<Vec<ParkedEvent>, ReleaseError> {
    let event = store::get(transaction, id)
        .await?
        .ok_or(ReleaseError::NotFound(id))?;
    let expected = projection.id().to_string();
    if event.projection != expected {
        return Err(ReleaseError::OtherProjection {
            id,
            actual: event.projection,
            expected,
        });
    }
    checkpoint::lock(
        transaction,
        &event.projection,
        &event.topic,
        &[event.partition],
    )
    .await?;
    // Read again under the lock: a worker or another operator may have
    // changed it meanwhile.
    let event = store::get(transaction, id)
        .await?
        .ok_or(ReleaseError::NotFound(id))?;
    if event.status != PARKED {
        return Err(ReleaseError::NotParked {
            id,
            status: event.status,
        });
    }
    Ok(store::stream_for_update(transaction, &event).await?)
}

/// Applies `events` one after another, each in its own savepoint, up to the
/// first that fails; marks the applied ones retried.
async fn release<P: Projection>(
    transaction: &mut PgConnection,
    projection: &P,
    events: Vec<ParkedEvent>,
    skipped: Option<i64>,
) -> Result<Released, ReleaseError> {
    let mut released = Released {
        projection: projection.id().to_string(),
        stream_id: events.first().and_then(|event| event.stream_id.clone()),
        skipped,
        applied: Vec::new(),
        still_parked: None,
        waiting: 0,
    };
    for (position, event) in events.iter().enumerate() {
        if let Some(error) = apply_one(transaction, projection, event).await? {
            store::set_error(transaction, event.id, &error).await?;
            released.still_parked = Some(StillParked {
                id: event.id,
                offset: event.offset,
                error,
            });
            released.waiting = events.len() - position;
            break;
        }
        released.applied.push(event.id);
    }
    store::mark_retried(transaction, &released.applied).await?;
    Ok(released)
}

/// `Some(why)` when the event still cannot be decoded or applied.
async fn apply_one<P: Projection>(
    transaction: &mut PgConnection,
    projection: &P,
    event: &ParkedEvent,
) -> Result<Option<String>, sqlx::Error> {
    let decoded = match projection.decode(event.record_value.as_deref()) {
        Ok(decoded) => Decoded {
            partition: event.partition,
            offset: event.offset,
            event: decoded,
        },
        Err(reason) => return Ok(Some(format!("cannot be decoded: {reason}"))),
    };
    let stream = [decoded.event.envelope().stream_id];
    let versions = projection.stream_versions(transaction, &stream).await?;
    let (in_order, out_of_order) = stream_order::in_stream_order(&[&decoded], &versions);
    if let Some(failure) = out_of_order.into_iter().next() {
        return Ok(Some(failure.reason));
    }
    if in_order.is_empty() {
        // Already applied (an operator re-applied its range meanwhile).
        return Ok(None);
    }
    let mut savepoint = transaction.begin().await?;
    match projection.apply(&mut savepoint, &[&decoded]).await {
        Ok(applied) => match applied.failures.into_iter().next() {
            None => {
                savepoint.commit().await?;
                Ok(None)
            }
            Some(failure) => Ok(Some(format!("cannot be applied: {}", failure.reason))),
        },
        Err(error) if refused_for_its_data(&error) => {
            Ok(Some(format!("the database refuses it: {error}")))
        }
        Err(error) => Err(error),
    }
}
