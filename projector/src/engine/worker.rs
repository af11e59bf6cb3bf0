//! A projection's worker: its own thread, runtime, connection pool and
//! consumer-group member. Keeping the consumer on one thread lets the
//! rebalance callbacks read checkpoints synchronously before a partition
//! fetches anything, and keeps batches strictly one after another.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use read_model::{checkpoint, parked};
use sqlx::PgPool;
use tokio::runtime::Runtime;

use super::apply::{BatchOutcome, apply_batch};
use super::batch::{Batch, collect};
use super::context::ProjectorContext;
use super::metrics;
use super::state::WorkerState;
use crate::config::BatchSettings;
use crate::projection::Projection;

/// How often a worker refreshes its gauges, counts the events parked in its
/// partitions and checks whether an operator reset a checkpoint.
const HOUSEKEEPING_INTERVAL: Duration = Duration::from_secs(1);
/// How often the checkpoints are also committed to Kafka, for monitoring.
const INFORMATIONAL_COMMIT_INTERVAL: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub brokers: String,
    pub topic: String,
    /// See [`super::group_name`].
    pub group: String,
    pub client_id: String,
    pub database_url: String,
    pub db_max_connections: u32,
    pub session_timeout: Duration,
    pub batch: BatchSettings,
}

#[derive(Debug, thiserror::Error)]
pub enum SpawnError {
    #[error("cannot start the worker runtime: {0}")]
    Runtime(#[from] std::io::Error),
    #[error("cannot connect to PostgreSQL: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot create the Kafka consumer: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    #[error("the worker thread ended during start-up")]
    Ended,
}

pub struct WorkerHandle {
    pub state: Arc<WorkerState>,
    stopping: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl WorkerHandle {
    /// Finishes the batch in flight, commits it, leaves the group, and returns
    /// once the thread has ended. Blocking: call it off the async runtime.
    pub fn stop(mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!(projection = %self.state.projection, "the worker thread panicked");
        }
        // Its partitions and parked events are another process's to report now.
        metrics::parked_events(&self.state.projection, 0);
    }
}

/// Starts the worker and returns once it has joined the group (partitions are
/// assigned in the background).
pub async fn spawn<P: Projection>(
    projection: P,
    settings: WorkerSettings,
) -> Result<WorkerHandle, SpawnError> {
    let id = projection.id().to_string();
    let group = settings.group.clone();
    let state = Arc::new(WorkerState::new(
        id.clone(),
        settings.topic.clone(),
        group.clone(),
    ));
    let stopping = Arc::new(AtomicBool::new(false));
    let (started, on_start) = tokio::sync::oneshot::channel();

    let thread_state = state.clone();
    let thread_stopping = stopping.clone();
    let thread = std::thread::Builder::new()
        .name(format!("projector-{id}-{}", settings.topic))
        .spawn(move || {
            let worker = match Worker::start(
                projection,
                settings,
                group,
                thread_state.clone(),
                thread_stopping,
            ) {
                Ok(worker) => {
                    let _ = started.send(Ok(()));
                    worker
                }
                Err(error) => {
                    thread_state.lock().running = false;
                    let _ = started.send(Err(error));
                    return;
                }
            };
            worker.run();
            thread_state.lock().running = false;
        })?;

    match on_start.await {
        Ok(Ok(())) => Ok(WorkerHandle {
            state,
            stopping,
            thread: Some(thread),
        }),
        Ok(Err(error)) => Err(error),
        Err(_) => Err(SpawnError::Ended),
    }
}

struct Worker<P: Projection> {
    projection: P,
    settings: WorkerSettings,
    runtime: Arc<Runtime>,
    pool: PgPool,
    consumer: BaseConsumer<ProjectorContext>,
    state: Arc<WorkerState>,
    stopping: Arc<AtomicBool>,
}

impl<P: Projection> Worker<P> {
    fn start(
        projection: P,
        settings: WorkerSettings,
        group: String,
        state: Arc<WorkerState>,
        stopping: Arc<AtomicBool>,
    ) -> Result<Self, SpawnError> {
        let runtime = Arc::new(
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?,
        );
        let pool = runtime.block_on(platform::postgres::connect(
            &settings.database_url,
            settings.db_max_connections,
        ))?;
        let context = ProjectorContext {
            runtime: runtime.clone(),
            pool: pool.clone(),
            state: state.clone(),
            stopping: stopping.clone(),
        };
        let session_ms = settings.session_timeout.as_millis().max(1000);
        let consumer: BaseConsumer<ProjectorContext> =
            platform::kafka::client_config(&settings.brokers)
                .set("group.id", &group)
                .set("client.id", &settings.client_id)
                .set("isolation.level", "read_committed")
                .set("enable.auto.commit", "false")
                .set("enable.auto.offset.store", "false")
                .set("auto.offset.reset", "earliest")
                .set("partition.assignment.strategy", "cooperative-sticky")
                .set("session.timeout.ms", session_ms.to_string())
                .set("heartbeat.interval.ms", (session_ms / 3).to_string())
                .set("statistics.interval.ms", "1000")
                // A read_committed fetch is not woken when a transaction's commit
                // marker makes waiting records visible, so it may sit out the whole
                // wait (500 ms by default): that wait bounds freshness.
                .set("fetch.wait.max.ms", "25")
                .create_with_context(context)?;
        consumer.subscribe(&[&settings.topic])?;
        tracing::info!(projection = %state.projection, %group, topic = %settings.topic, "projection worker joined its group");
        Ok(Self {
            projection,
            settings,
            runtime,
            pool,
            consumer,
            state,
            stopping,
        })
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    fn run(self) {
        let mut last_housekeeping = Instant::now();
        let mut last_commit = Instant::now();
        while !self.stopping() {
            let batch = collect(
                &self.consumer,
                &self.projection,
                &self.state,
                self.settings.batch,
                || self.stopping(),
            );
            if !batch.is_empty() {
                self.apply(batch);
            }
            if last_housekeeping.elapsed() >= HOUSEKEEPING_INTERVAL {
                self.follow_rewound_checkpoints();
                self.count_parked_events();
                self.publish_gauges();
                last_housekeeping = Instant::now();
            }
            if last_commit.elapsed() >= INFORMATIONAL_COMMIT_INTERVAL {
                self.commit_informational_offsets();
                last_commit = Instant::now();
            }
        }
        self.commit_informational_offsets();
        tracing::info!(projection = %self.state.projection, "leaving the group");
        // Dropping the consumer closes it: the revocation runs and the member
        // leaves the group, so the partitions move at once, not after the
        // session timeout.
        drop(self.consumer);
        tracing::info!(projection = %self.state.projection, "left the group");
    }

    fn apply(&self, mut batch: Batch<P::Event>) {
        // Records fetched under an assignment that has since changed are
        // dropped: the partition restarts from its checkpoint anyway.
        let expected: HashMap<i32, i64> = {
            let partitions = self.state.lock();
            let stale: Vec<i32> = batch
                .generations
                .iter()
                .filter(|(partition, generation)| {
                    partitions.generation(**partition) != Some(**generation)
                })
                .map(|(partition, _)| *partition)
                .collect();
            batch.drop_partitions(&stale);
            batch
                .generations
                .keys()
                .filter_map(|partition| {
                    Some((
                        *partition,
                        partitions.assigned.get(partition)?.committed_next,
                    ))
                })
                .collect()
        };
        if batch.is_empty() {
            return;
        }

        let started = Instant::now();
        let mut delay = Duration::from_millis(100);
        let outcome = loop {
            let attempt = apply_batch(
                &self.pool,
                &self.projection,
                &self.settings.topic,
                &batch,
                &expected,
            );
            match self.runtime.block_on(attempt) {
                Ok(outcome) => break outcome,
                Err(error) => {
                    metrics::batch_failed(&self.state.projection);
                    tracing::error!(projection = %self.state.projection, %error, "applying a batch failed; retrying it");
                    self.state.lock().database_error = Some(error.to_string());
                    self.publish_gauges();
                    if self.stopping() {
                        // Nothing was committed: the next owner starts from the checkpoint.
                        return;
                    }
                    std::thread::sleep(delay);
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        };
        metrics::batch_applied(
            &self.state.projection,
            batch.records.len() + batch.undecodable.len(),
            outcome.applied.events,
            started.elapsed().as_secs_f64(),
        );
        self.record_outcome(&batch, outcome);
    }

    fn record_outcome(&self, batch: &Batch<P::Event>, outcome: BatchOutcome) {
        let projection = &self.state.projection;
        for record in &outcome.parking.failed {
            tracing::error!(
                %projection,
                partition = record.partition,
                offset = record.offset,
                stream_id = record.stream_id.as_deref().unwrap_or(""),
                error = %record.error,
                "event parked: it cannot be decoded, upcast or applied; later events of its stream wait behind it (projector parked list)"
            );
        }
        for record in &outcome.parking.behind {
            tracing::warn!(
                %projection,
                partition = record.partition,
                offset = record.offset,
                stream_id = record.stream_id.as_deref().unwrap_or(""),
                "event parked behind an earlier parked event of its stream"
            );
        }
        metrics::events_parked(
            projection,
            outcome.parking.failed.len(),
            outcome.parking.behind.len(),
        );
        let parked = !outcome.parking.is_empty();

        let mut to_seek = Vec::new();
        {
            let mut partitions = self.state.lock();
            partitions.database_error = None;
            if outcome.applied.newest_event_at > partitions.newest_event_at {
                partitions.newest_event_at = outcome.applied.newest_event_at;
            }
            for &(partition, next) in &outcome.checkpoints {
                if let Some(state) = partitions.assigned.get_mut(&partition)
                    && batch.generations.get(&partition) == Some(&state.generation)
                {
                    state.committed_next = state.committed_next.max(next);
                }
            }
            for &(partition, stored) in &outcome.rewound {
                if let Some(state) = partitions.assigned.get_mut(&partition) {
                    tracing::warn!(
                        partition,
                        stored,
                        "the stored checkpoint is behind this worker; seeking back to it"
                    );
                    state.committed_next = stored;
                    state.fetched_next = stored;
                    to_seek.push((partition, stored));
                }
            }
        }
        for (partition, offset) in to_seek {
            self.seek(partition, offset);
        }
        if parked {
            // Report it now, not at the next housekeeping.
            self.count_parked_events();
        }
    }

    /// Commits the checkpoints to Kafka too, now and then. Informational only
    /// (lag dashboards read them); a new owner starts from the checkpoint table.
    fn commit_informational_offsets(&self) {
        let mut offsets = TopicPartitionList::new();
        for (&partition, state) in &self.state.lock().assigned {
            if state.committed_next > 0 {
                let _ = offsets.add_partition_offset(
                    &self.settings.topic,
                    partition,
                    Offset::Offset(state.committed_next),
                );
            }
        }
        if offsets.count() > 0
            && let Err(error) = self.consumer.commit(&offsets, CommitMode::Async)
        {
            tracing::debug!(%error, "informational offset commit failed");
        }
    }

    fn seek(&self, partition: i32, offset: i64) {
        if let Err(error) = self.consumer.seek(
            &self.settings.topic,
            partition,
            Offset::Offset(offset),
            Duration::from_secs(5),
        ) {
            tracing::warn!(%error, partition, offset, "seek failed");
        }
    }

    /// An operator's reset moves a checkpoint back: seek the partition back
    /// to it, so the records from there are applied again. (A partition with
    /// traffic would notice at its next batch; an idle one only here.)
    fn follow_rewound_checkpoints(&self) {
        let held: Vec<(i32, i64)> = self
            .state
            .lock()
            .assigned
            .iter()
            .map(|(partition, state)| (*partition, state.committed_next))
            .collect();
        if held.is_empty() {
            return;
        }
        let partitions: Vec<i32> = held.iter().map(|(partition, _)| *partition).collect();
        let load = checkpoint::load(
            &self.pool,
            &self.state.projection,
            &self.settings.topic,
            &partitions,
        );
        let Ok(stored) = self.runtime.block_on(load) else {
            return;
        };
        for (partition, committed_next) in held {
            let Some(&next) = stored
                .get(&partition)
                .filter(|next| **next < committed_next)
            else {
                continue;
            };
            {
                let mut partitions = self.state.lock();
                let Some(state) = partitions.assigned.get_mut(&partition) else {
                    continue;
                };
                state.committed_next = next;
                state.fetched_next = next;
            }
            self.seek(partition, next);
            tracing::warn!(
                projection = %self.state.projection,
                partition,
                from = committed_next,
                to = next,
                "checkpoint reset by an operator; re-applying from it"
            );
        }
    }

    /// The events parked in the partitions held here, for the gauge (summed
    /// over the processes it is the projection's total).
    fn count_parked_events(&self) {
        let partitions: Vec<i32> = self.state.lock().assigned.keys().copied().collect();
        let count = parked::count_waiting(&self.pool, &self.state.projection, Some(&partitions));
        if let Ok(count) = self.runtime.block_on(count) {
            self.state.lock().parked_here = count;
            metrics::parked_events(&self.state.projection, count);
        }
    }

    fn publish_gauges(&self) {
        let report = self.state.report();
        let stuck = report.database_error.is_some();
        for partition in &report.partitions {
            metrics::partition_gauges(
                &report.projection,
                &report.topic,
                partition.partition,
                partition.lag,
                stuck,
            );
        }
        metrics::newest_event(&report.projection, report.newest_event_at);
    }
}
