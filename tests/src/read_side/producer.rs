//! Writes envelopes straight into the topic (no command API), keyed and
//! partitioned as the command API does, and remembers where each landed.

use std::collections::HashMap;
use std::time::Duration;

use events::Envelope;
use platform::partitioner::partition_for_key;
use rdkafka::producer::{FutureProducer, FutureRecord};

use crate::TestEnv;

pub struct EventProducer {
    producer: FutureProducer,
    pub topic: String,
    pub partitions: i32,
    /// Per partition, the offset after the last record written.
    pub ends: std::sync::Mutex<HashMap<i32, i64>>,
}

impl EventProducer {
    /// Creates the topic if needed.
    pub async fn new(env: &TestEnv) -> Self {
        let topic = env.tasks_topic();
        let partitions = platform::kafka::ensure_topic(&env.brokers, &topic, env.partitions, 1)
            .await
            .expect("topic");
        let producer = platform::kafka::client_config(&env.brokers)
            .set("enable.idempotence", "true")
            .set("linger.ms", "5")
            .create()
            .expect("producer");
        Self {
            producer,
            topic,
            partitions,
            ends: Default::default(),
        }
    }

    pub fn partition_of(&self, stream_id: uuid::Uuid) -> i32 {
        partition_for_key(stream_id.to_string().as_bytes(), self.partitions)
    }

    /// Writes to the stream's partition; returns (partition, offset).
    pub async fn send(&self, envelope: &Envelope) -> (i32, i64) {
        let key = envelope.stream_id.to_string();
        let partition = self.partition_of(envelope.stream_id);
        let offset = self
            .send_raw(partition, &key, &envelope.to_json_bytes())
            .await;
        (partition, offset)
    }

    /// Writes many concurrently (per-partition order is kept by the idempotent producer).
    pub async fn send_all(&self, envelopes: &[Envelope]) {
        let sends = envelopes.iter().map(|envelope| self.send(envelope));
        futures::future::join_all(sends).await;
    }

    pub async fn send_raw(&self, partition: i32, key: &str, value: &[u8]) -> i64 {
        self.send_value(partition, Some(key), value).await
    }

    /// Writes `value` as it is, with `key` when given; returns its offset.
    pub async fn send_value(&self, partition: i32, key: Option<&str>, value: &[u8]) -> i64 {
        let mut record = FutureRecord::to(&self.topic)
            .partition(partition)
            .payload(value);
        if let Some(key) = key {
            record = record.key(key);
        }
        let (partition, offset) = self
            .producer
            .send(record, Duration::from_secs(10))
            .await
            .map(|delivery| (delivery.partition, delivery.offset))
            .expect("record delivered");
        let mut ends = self.ends.lock().unwrap();
        let end = ends.entry(partition).or_insert(0);
        *end = (*end).max(offset + 1);
        offset
    }

    pub fn ends(&self) -> HashMap<i32, i64> {
        self.ends.lock().unwrap().clone()
    }
}
