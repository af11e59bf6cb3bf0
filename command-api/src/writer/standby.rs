//! A warm standby copy of a partition another instance owns
//! (`COMMAND_STANDBY_REPLICAS`): a thread that follows the partition's state
//! topic, read_committed, into this instance's state store, with the same
//! checkpoint a writer keeps. When the partition moves here, the writer's
//! restore finds that checkpoint and reads only what the copy had not yet
//! seen, instead of the whole state partition.
//!
//! The copy is a consistent prefix of the state topic at every checkpoint,
//! which is all a restore asks of the store (see `restore`). A snapshot it
//! cannot read ends the copy before that snapshot, so the restore that
//! takes over meets it and replays that stream from its events.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use events::{Aggregate, Snapshot};
use rdkafka::Offset;
use rdkafka::error::KafkaError;
use rdkafka::message::Message;

use super::WriterSettings;
use super::restore::{
    RestoreError, RestoreSource, committed_reader, is_fatal, partition_ends, store_identity,
    usable_checkpoint,
};
use super::snapshot::from_snapshot;
use super::state_store::{Checkpoint, StoreWrite};

/// Snapshots per store transaction, and the longest a read one waits for it.
const BATCH: usize = 10_000;
const FLUSH_EVERY: Duration = Duration::from_millis(500);

pub struct StandbyCopy {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StandbyCopy {
    pub fn start<A: Aggregate>(settings: &WriterSettings, partition: i32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            let settings = settings.clone();
            std::thread::Builder::new()
                .name(format!("standby-{partition}"))
                .spawn(move || {
                    tracing::info!(topic = settings.topic, partition, "standby copy started");
                    match follow::<A>(&settings, partition, &stop) {
                        Ok(()) => {}
                        Err(RestoreError::Kafka(KafkaError::Canceled)) => {}
                        Err(error) => {
                            tracing::warn!(%error, topic = settings.topic, partition, "standby copy ended")
                        }
                    }
                })
                .expect("spawning a standby thread")
        };
        Self {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops following; returns once the copy has written its last batch.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for StandbyCopy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}

fn follow<A: Aggregate>(
    settings: &WriterSettings,
    partition: i32,
    stop: &AtomicBool,
) -> Result<(), RestoreError> {
    let source = RestoreSource {
        brokers: &settings.brokers,
        topic: &settings.topic,
        state_topic: &settings.state_topic,
        partition,
        keys_since: None,
    };
    let store = &settings.store;
    let ends = partition_ends(&source)?;
    let identity = store_identity::<A>(&ends.cluster_id, &settings.topic);
    let checkpoint = usable_checkpoint(store, partition, &identity, &ends)?;
    let mut checkpoint = checkpoint.unwrap_or(Checkpoint {
        identity,
        state_offset: -1,
        covered: None,
    });
    let consumer = committed_reader(
        &settings.brokers,
        &settings.state_topic,
        partition,
        Offset::Offset(checkpoint.state_offset + 1),
    )?;
    let copied =
        metrics::counter!("command_api_standby_snapshots_total", "topic" => settings.topic.clone());
    let mut pending = StoreWrite::default();
    let mut oldest_pending = Instant::now();
    let flush = |pending: &mut StoreWrite, checkpoint: &Checkpoint| {
        if pending.streams.is_empty() {
            return Ok(());
        }
        copied.increment(pending.streams.len() as u64);
        pending.checkpoint = Some(checkpoint.clone());
        store.write(partition, &std::mem::take(pending))
    };
    while !stop.load(Ordering::Acquire) {
        match consumer.poll(Duration::from_millis(100)) {
            None | Some(Err(KafkaError::PartitionEOF(_))) => {}
            Some(Err(error)) if is_fatal(&error) => return Err(error.into()),
            Some(Err(error)) => tracing::warn!(%error, partition, "standby consumer error"),
            Some(Ok(message)) => {
                let payload = message.payload().unwrap_or_default();
                let readable = Snapshot::from_bytes(payload)
                    .and_then(|snapshot| from_snapshot::<A>(&snapshot).map(|_| snapshot));
                let Ok(snapshot) = readable else {
                    flush(&mut pending, &checkpoint)?;
                    tracing::warn!(
                        partition,
                        offset = message.offset(),
                        "standby copy stops at a snapshot it cannot read; the takeover replays its stream"
                    );
                    return Ok(());
                };
                if pending.streams.is_empty() {
                    oldest_pending = Instant::now();
                }
                pending
                    .streams
                    .push((snapshot.stream_id, Some(payload.to_vec())));
                checkpoint.state_offset = message.offset();
                checkpoint.covered = checkpoint.covered.max(Some(snapshot.last_offset));
            }
        }
        if pending.streams.len() >= BATCH || oldest_pending.elapsed() >= FLUSH_EVERY {
            flush(&mut pending, &checkpoint)?;
        }
    }
    flush(&mut pending, &checkpoint)?;
    Ok(())
}
