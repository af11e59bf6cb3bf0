//! `projector reset`: moves a projection version's checkpoints back so the
//! projectors re-apply part of the log into it. Only for projections whose
//! updates are idempotent (the `tasks` projection skips an event its row
//! already has, and history rows are keyed by event id), so re-applying
//! changes nothing that was right and restores what was lost.
//!
//! Checkpoints only move back: a partition already before the target keeps
//! its place (moving forward would skip events). The workers owning the
//! partitions notice within a second and seek back. Parked events in the
//! range are read again: one that still fails is parked again (an earlier
//! skip of it is undone and has to be repeated).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use read_model::checkpoint;
use serde::Serialize;
use sqlx::PgPool;

use crate::status::KafkaProbe;

/// Where the checkpoints go back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetTo {
    /// The same offset in every partition (or the one named).
    Offset(i64),
    /// Per partition, the first record written at or after this time.
    Time(DateTime<Utc>),
}

#[derive(Debug, Clone, Serialize)]
pub struct PartitionReset {
    pub partition: i32,
    pub from: i64,
    pub to: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResetPlan {
    pub projection: String,
    pub topic: String,
    /// Only the partitions that move.
    pub moves: Vec<PartitionReset>,
}

#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("Kafka error: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    #[error("topic {topic} has no partition {partition}")]
    NoSuchPartition { topic: String, partition: i32 },
    #[error("the Kafka task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// What a reset would do, from the current checkpoints.
pub async fn plan(
    pool: &PgPool,
    probe: Arc<KafkaProbe>,
    projection: &str,
    topic: &str,
    to: ResetTo,
    only: Option<i32>,
) -> Result<ResetPlan, ResetError> {
    let owned_topic = topic.to_owned();
    let targets = tokio::task::spawn_blocking(move || {
        let mut partitions = probe.partitions(&owned_topic)?;
        if let Some(only) = only {
            if !partitions.contains(&only) {
                return Err(ResetError::NoSuchPartition {
                    topic: owned_topic,
                    partition: only,
                });
            }
            partitions = vec![only];
        }
        let targets: Vec<(i32, Option<i64>)> = match to {
            ResetTo::Offset(offset) => partitions.iter().map(|p| (*p, Some(offset))).collect(),
            ResetTo::Time(time) => probe
                .offsets_for_time(&owned_topic, &partitions, time.timestamp_millis())?
                .into_iter()
                .collect(),
        };
        Ok(targets)
    })
    .await??;
    let partitions: Vec<i32> = targets.iter().map(|(partition, _)| *partition).collect();
    let stored = checkpoint::load(pool, projection, topic, &partitions).await?;
    let mut moves: Vec<PartitionReset> = targets
        .into_iter()
        .filter_map(|(partition, target)| {
            let from = *stored.get(&partition)?;
            let to = target?.max(0);
            (to < from).then_some(PartitionReset {
                partition,
                from,
                to,
            })
        })
        .collect();
    moves.sort_by_key(|m| m.partition);
    Ok(ResetPlan {
        projection: projection.to_owned(),
        topic: topic.to_owned(),
        moves,
    })
}

/// Carries the plan out: locks the checkpoints (a batch in flight finishes
/// first) and moves them back. Returns the partitions moved.
pub async fn execute(pool: &PgPool, plan: &ResetPlan) -> Result<Vec<i32>, ResetError> {
    let mut transaction = pool.begin().await?;
    let partitions: Vec<i32> = plan.moves.iter().map(|m| m.partition).collect();
    checkpoint::lock(&mut transaction, &plan.projection, &plan.topic, &partitions).await?;
    let moves: Vec<(i32, i64)> = plan.moves.iter().map(|m| (m.partition, m.to)).collect();
    let moved = checkpoint::rewind(&mut transaction, &plan.projection, &plan.topic, &moves).await?;
    transaction.commit().await?;
    tracing::warn!(projection = %plan.projection, ?moved, "checkpoints reset by an operator");
    Ok(moved)
}
