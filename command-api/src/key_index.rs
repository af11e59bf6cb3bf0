//! Which stream each `Idempotency-Key` was first used on, across every
//! partition. A partition's writer knows the keys of its own streams; this
//! index makes a key reused on *another* task a refusal (422) too, whichever
//! instance the command reaches.
//!
//! Every instance tails the whole events topic (read_committed) and keeps the
//! keyed commands only: (tenant, key) → stream. It is eventually consistent:
//! two first uses of one key on two tasks within milliseconds of each other
//! can both succeed. `/readyz` waits until it has read the topic once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use events::Envelope;
use platform::kafka::ReaderContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, KafkaResult};
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};
use uuid::Uuid;

use crate::writer::record;

#[derive(Default)]
struct Keys {
    streams: RwLock<HashMap<(String, String), Uuid>>,
    caught_up: AtomicBool,
}

/// Shared view of the index; cheap to clone.
#[derive(Clone, Default)]
pub struct KeyIndex {
    keys: Arc<Keys>,
}

impl KeyIndex {
    /// The stream a key was first used on, if it was used at all.
    pub fn stream_of(&self, tenant_id: &str, key: &str) -> Option<Uuid> {
        let streams = self.keys.streams.read().expect("key index lock");
        streams
            .get(&(tenant_id.to_owned(), key.to_owned()))
            .copied()
    }

    /// True once every partition has been read to its end at least once.
    pub fn caught_up(&self) -> bool {
        self.keys.caught_up.load(Ordering::Acquire)
    }

    /// Records a key's first stream. Called on success by the instance that
    /// ran the command, so its own next request sees it without waiting for
    /// the tail, and by the tail for everyone else's.
    pub fn remember(&self, tenant_id: &str, key: &str, stream_id: Uuid) {
        let mut streams = self.keys.streams.write().expect("key index lock");
        streams
            .entry((tenant_id.to_owned(), key.to_owned()))
            .or_insert(stream_id);
    }
}

/// The thread that keeps a `KeyIndex` current.
pub struct KeyIndexer {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl KeyIndexer {
    pub fn start(
        brokers: &str,
        topic: &str,
        partitions: i32,
        index: KeyIndex,
    ) -> KafkaResult<Self> {
        let consumer: BaseConsumer<ReaderContext> = platform::kafka::client_config(brokers)
            .set("group.id", "command-api.key-index")
            .set("enable.auto.commit", "false")
            .set("isolation.level", "read_committed")
            .set("enable.partition.eof", "true")
            .set("fetch.wait.max.ms", "100")
            .create_with_context(ReaderContext)?;
        let mut assignment = TopicPartitionList::new();
        for partition in 0..partitions {
            assignment.add_partition_offset(topic, partition, Offset::Beginning)?;
        }
        consumer.assign(&assignment)?;

        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("key-index".into())
                .spawn(move || tail(consumer, partitions, index, stop))
                .expect("spawning the key index thread")
        };
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }

    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn tail(
    consumer: BaseConsumer<ReaderContext>,
    partitions: i32,
    index: KeyIndex,
    stop: Arc<AtomicBool>,
) {
    let mut at_end = std::collections::HashSet::new();
    while !stop.load(Ordering::Acquire) {
        match consumer.poll(Duration::from_millis(100)) {
            None => {}
            Some(Err(KafkaError::PartitionEOF(partition))) => {
                at_end.insert(partition);
                if at_end.len() as i32 >= partitions {
                    index.keys.caught_up.store(true, Ordering::Release);
                }
            }
            Some(Err(error)) => tracing::warn!(%error, "key index consumer error"),
            Some(Ok(message)) => {
                // Only keyed commands carry a fingerprint; the rest are not indexed.
                if record::fingerprint_of(message.headers()).is_none() {
                    continue;
                }
                if let Ok(envelope) =
                    Envelope::from_wire_bytes(message.payload().unwrap_or_default())
                {
                    index.remember(
                        &envelope.tenant_id,
                        &envelope.command_id,
                        envelope.stream_id,
                    );
                }
            }
        }
    }
}
