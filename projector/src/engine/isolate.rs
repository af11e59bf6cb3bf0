//! Applying a batch so that one record the database refuses cannot hold up
//! the others: the batch is applied in a savepoint, and when PostgreSQL
//! refuses it for its data, the records are applied again one at a time to
//! find the ones responsible, which are reported as failures (and parked).

use std::collections::HashSet;

use sqlx::{Connection, PgConnection};

use crate::projection::{Applied, Decoded, Failure, ProjectedEvent, Projection};
use crate::refusal::refused_for_its_data;

pub async fn apply_isolating_refusals<P: Projection>(
    transaction: &mut PgConnection,
    projection: &P,
    records: &[&Decoded<P::Event>],
) -> Result<Applied, sqlx::Error> {
    if records.is_empty() {
        return Ok(Applied::default());
    }
    let mut savepoint = transaction.begin().await?;
    match projection.apply(&mut savepoint, records).await {
        Ok(applied) => {
            savepoint.commit().await?;
            return Ok(explained(applied));
        }
        Err(error) if refused_for_its_data(&error) => {
            savepoint.rollback().await?;
            tracing::warn!(
                projection = %projection.id(),
                %error,
                records = records.len(),
                "the database refused the batch; applying its records one at a time to find the culprit"
            );
        }
        Err(error) => return Err(error),
    }

    let mut applied = Applied::default();
    // A stream stops at its first failure, as the projection's own do.
    let mut failed_streams: HashSet<uuid::Uuid> = HashSet::new();
    for record in records {
        let stream = record.event.envelope().stream_id;
        if failed_streams.contains(&stream) {
            continue;
        }
        let mut savepoint = transaction.begin().await?;
        match projection.apply(&mut savepoint, &[*record]).await {
            Ok(one) => {
                savepoint.commit().await?;
                if !one.failures.is_empty() {
                    failed_streams.insert(stream);
                }
                applied.merge(explained(one));
            }
            Err(error) if refused_for_its_data(&error) => {
                savepoint.rollback().await?;
                failed_streams.insert(stream);
                applied.failures.push(Failure {
                    partition: record.partition,
                    offset: record.offset,
                    reason: format!("the database refuses it: {error}"),
                });
            }
            Err(error) => return Err(error),
        }
    }
    Ok(applied)
}

/// The projection's refusals, said the way parked events say it.
fn explained(mut applied: Applied) -> Applied {
    for failure in &mut applied.failures {
        failure.reason = format!("cannot be applied: {}", failure.reason);
    }
    applied
}
