//! What a worker knows about its partitions, shared between its consumer
//! thread (which changes it) and the HTTP side (which reports it).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug)]
pub struct WorkerState {
    pub projection: String,
    pub topic: String,
    pub group: String,
    inner: Mutex<Partitions>,
}

#[derive(Debug, Default)]
pub struct Partitions {
    /// False once the worker thread has ended.
    pub running: bool,
    pub assigned: BTreeMap<i32, PartitionState>,
    /// From the consumer's statistics: the partition's high watermark.
    pub high_watermarks: HashMap<i32, i64>,
    pub newest_event_at: Option<DateTime<Utc>>,
    /// The last batch failed on the database and is being retried: its
    /// partitions make no progress meanwhile.
    pub database_error: Option<String>,
    /// Events parked in the partitions assigned here (refreshed now and then).
    pub parked_here: i64,
    /// Bumped on every assignment change, so records fetched before one can be told apart.
    next_generation: u64,
}

#[derive(Debug, Clone)]
pub struct PartitionState {
    /// Which assignment this state belongs to.
    pub generation: u64,
    /// The checkpoint as this worker last stored or read it.
    pub committed_next: i64,
    /// The offset after the last record taken into a batch.
    pub fetched_next: i64,
}

impl Partitions {
    pub fn assign(&mut self, partition: i32, next_offset: i64) {
        self.next_generation += 1;
        self.assigned.insert(
            partition,
            PartitionState {
                generation: self.next_generation,
                committed_next: next_offset,
                fetched_next: next_offset,
            },
        );
    }

    pub fn revoke(&mut self, partition: i32) {
        self.assigned.remove(&partition);
    }

    pub fn generation(&self, partition: i32) -> Option<u64> {
        self.assigned.get(&partition).map(|state| state.generation)
    }
}

/// This process's worker of one projection version, as `GET /v1/projections`
/// (under `local`) and `/readyz` show it.
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    pub projection: String,
    pub topic: String,
    pub group: String,
    pub running: bool,
    pub database_error: Option<String>,
    pub newest_event_at: Option<DateTime<Utc>>,
    /// The partitions this process holds.
    pub partitions: Vec<PartitionReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartitionReport {
    pub partition: i32,
    pub next_offset: i64,
    pub high_watermark: Option<i64>,
    pub lag: Option<i64>,
}

impl StatusReport {
    /// Running, and the database answering the worker.
    pub fn healthy(&self) -> bool {
        self.running && self.database_error.is_none()
    }
}

impl WorkerState {
    pub fn new(projection: String, topic: String, group: String) -> Self {
        Self {
            projection,
            topic,
            group,
            inner: Mutex::new(Partitions {
                running: true,
                ..Partitions::default()
            }),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, Partitions> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn report(&self) -> StatusReport {
        let inner = self.lock();
        let partitions = inner
            .assigned
            .iter()
            .map(|(&partition, state)| {
                let high_watermark = inner.high_watermarks.get(&partition).copied();
                PartitionReport {
                    partition,
                    next_offset: state.committed_next,
                    high_watermark,
                    lag: high_watermark.map(|high| (high - state.committed_next).max(0)),
                }
            })
            .collect();
        StatusReport {
            projection: self.projection.clone(),
            topic: self.topic.clone(),
            group: self.group.clone(),
            running: inner.running,
            database_error: inner.database_error.clone(),
            newest_event_at: inner.newest_event_at,
            partitions,
        }
    }
}
