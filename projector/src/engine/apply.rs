//! One batch, one transaction: lock the checkpoints, leave out what is already
//! applied, check each stream's order, park what cannot be applied (and the
//! later records of its stream), apply the rest, move the checkpoints past
//! all of it, commit.

use std::collections::{BTreeMap, HashMap};

use read_model::checkpoint;
use read_model::parked::{self, RawRecord, ToPark};
use sqlx::PgPool;

use super::batch::Batch;
use super::isolate::apply_isolating_refusals;
use super::routing::{ParkedRecord, Parking};
use super::stream_order;
use crate::projection::{Applied, Decoded, Failure, ProjectedEvent, Projection};

pub struct BatchOutcome {
    /// What the projection applied (its failures are in `parking`).
    pub applied: Applied,
    /// The records parked by this batch.
    pub parking: Parking,
    /// The checkpoints this transaction stored.
    pub checkpoints: Vec<(i32, i64)>,
    /// Partitions whose stored checkpoint is behind this worker's (an operator
    /// rewound it): nothing was applied for them; the worker seeks back.
    pub rewound: Vec<(i32, i64)>,
}

/// `expected` holds, per partition of the batch, the checkpoint this worker
/// believes is stored: the batch's records continue from it.
pub async fn apply_batch<P: Projection>(
    pool: &PgPool,
    projection: &P,
    topic: &str,
    batch: &Batch<P::Event>,
    expected: &HashMap<i32, i64>,
) -> Result<BatchOutcome, sqlx::Error> {
    let projection_id = projection.id().to_string();
    let partitions = batch.partitions();
    let mut transaction = pool.begin().await?;
    let stored = checkpoint::lock(&mut transaction, &projection_id, topic, &partitions).await?;

    // A worker that lost a partition may still get here with a batch; the new
    // owner's checkpoint then tells which of its records are already applied.
    // The records continue from `expected`, so those at or past the stored
    // checkpoint are exactly the ones still missing.
    let mut rewound = Vec::new();
    for &partition in &partitions {
        let stored_next = stored.get(&partition).copied().unwrap_or(0);
        if stored_next < expected.get(&partition).copied().unwrap_or(0) {
            rewound.push((partition, stored_next));
        }
    }
    let keep = |partition: i32, offset: i64| {
        !rewound.iter().any(|(rewound, _)| *rewound == partition)
            && offset >= stored.get(&partition).copied().unwrap_or(0)
    };
    let records: Vec<&Decoded<P::Event>> = batch
        .records
        .iter()
        .filter(|r| keep(r.partition, r.offset))
        .collect();
    let undecodable: Vec<&Failure> = batch
        .undecodable
        .iter()
        .filter(|f| keep(f.partition, f.offset))
        .collect();

    let waiting =
        parked::waiting_streams(&mut transaction, &projection_id, topic, &partitions).await?;
    let mut parking = Parking::new(waiting);
    let stream_of = |event: &P::Event| event.envelope().stream_id.to_string();
    let to_apply = parking.route(&records, &undecodable, stream_of, |partition, offset| {
        batch
            .raw
            .get(&(partition, offset))
            .and_then(RawRecord::stream_id)
    });
    let streams = stream_order::streams_of(&to_apply);
    let versions = projection
        .stream_versions(&mut transaction, &streams)
        .await?;
    let (in_order, out_of_order) = stream_order::in_stream_order(&to_apply, &versions);
    let mut applied = apply_isolating_refusals(&mut transaction, projection, &in_order).await?;
    applied.failures.extend(out_of_order);
    parking.after_apply(&to_apply, &applied.failures, stream_of);
    applied.failures.clear();
    park(
        &mut transaction,
        &projection_id,
        topic,
        &parking,
        &batch.raw,
    )
    .await?;

    // Every record kept was applied or parked: each partition moves past its last.
    let mut next: BTreeMap<i32, i64> = BTreeMap::new();
    let positions = records
        .iter()
        .map(|r| (r.partition, r.offset))
        .chain(undecodable.iter().map(|f| (f.partition, f.offset)));
    for (partition, offset) in positions {
        let entry = next.entry(partition).or_default();
        *entry = (*entry).max(offset + 1);
    }
    let checkpoints: Vec<(i32, i64)> = next
        .into_iter()
        .filter(|(partition, offset)| *offset > stored.get(partition).copied().unwrap_or(0))
        .collect();

    checkpoint::advance(&mut transaction, &projection_id, topic, &checkpoints).await?;
    transaction.commit().await?;
    Ok(BatchOutcome {
        applied,
        parking,
        checkpoints,
        rewound,
    })
}

async fn park(
    transaction: &mut sqlx::PgConnection,
    projection: &str,
    topic: &str,
    parking: &Parking,
    raw: &HashMap<(i32, i64), RawRecord>,
) -> Result<(), sqlx::Error> {
    if parking.is_empty() {
        return Ok(());
    }
    let rows = |records: &[ParkedRecord]| -> Vec<ToPark<'_>> {
        records
            .iter()
            .map(|record| ToPark {
                partition: record.partition,
                offset: record.offset,
                stream_id: record.stream_id.clone(),
                error: record.error.clone(),
                raw: raw.get(&(record.partition, record.offset)),
            })
            .collect()
    };
    parked::park_failed(transaction, projection, topic, &rows(&parking.failed)).await?;
    parked::park_behind(transaction, projection, topic, &rows(&parking.behind)).await?;
    Ok(())
}
