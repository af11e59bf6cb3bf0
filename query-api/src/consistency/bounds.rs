//! Whether a position can name a real event: its partition must exist in its
//! topic and its offset must be below the partition's end. A token that
//! cannot is refused at once instead of waiting out the timeout for an event
//! that will never be projected. One client asks every topic; each topic's
//! partition count is cached on its own.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use platform::kafka::ReaderContext;
use platform::position::Position;
use rdkafka::consumer::{BaseConsumer, Consumer};

/// Partition counts change only when an operator adds partitions.
const PARTITION_COUNT_TTL: Duration = Duration::from_secs(30);
const KAFKA_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutOfBounds {
    #[error("topic {topic} has {partitions} partitions; there is no partition {partition}")]
    NoSuchPartition {
        topic: String,
        partition: i32,
        partitions: i32,
    },
    #[error(
        "partition {partition} of {topic} ends before offset {offset} (its next offset is {end})"
    )]
    BeyondEnd {
        topic: String,
        partition: i32,
        offset: i64,
        end: i64,
    },
}

pub struct TopicBounds {
    consumer: Arc<BaseConsumer<ReaderContext>>,
    /// Per topic, its partition count and when it was read.
    partition_counts: Mutex<HashMap<String, (Instant, i32)>>,
}

impl TopicBounds {
    pub fn new(brokers: &str) -> Result<Self, rdkafka::error::KafkaError> {
        Ok(Self {
            // The high watermark, not the last stable offset: a transaction's
            // markers land on the partition just after its commit is
            // acknowledged, so read_committed would call a fresh token impossible.
            consumer: Arc::new(
                platform::kafka::client_config(brokers)
                    .set("isolation.level", "read_uncommitted")
                    .create_with_context(ReaderContext)?,
            ),
            partition_counts: Mutex::new(HashMap::new()),
        })
    }

    /// Refuses a position that cannot exist. When Kafka cannot tell right
    /// now, the position is given the benefit of the doubt (the read then
    /// waits as it always did).
    pub async fn check(&self, position: &Position) -> Result<(), OutOfBounds> {
        let Position {
            topic,
            partition,
            offset,
        } = position.clone();
        if let Some(partitions) = self.partition_count(&topic).await
            && partition >= partitions
        {
            return Err(OutOfBounds::NoSuchPartition {
                topic,
                partition,
                partitions,
            });
        }
        match self.end_of(&topic, partition).await {
            Some(end) if offset >= end => Err(OutOfBounds::BeyondEnd {
                topic,
                partition,
                offset,
                end,
            }),
            _ => Ok(()),
        }
    }

    async fn partition_count(&self, topic: &str) -> Option<i32> {
        if let Some((at, count)) = self
            .partition_counts
            .lock()
            .expect("bounds lock")
            .get(topic)
            .copied()
            && at.elapsed() < PARTITION_COUNT_TTL
        {
            return Some(count);
        }
        let (consumer, topic_name) = (self.consumer.clone(), topic.to_owned());
        let count = tokio::task::spawn_blocking(move || {
            let metadata = consumer
                .fetch_metadata(Some(&topic_name), KAFKA_TIMEOUT)
                .ok()?;
            let partitions = metadata.topics().first()?.partitions().len();
            (partitions > 0).then_some(partitions as i32)
        })
        .await
        .ok()
        .flatten()?;
        self.partition_counts
            .lock()
            .expect("bounds lock")
            .insert(topic.to_owned(), (Instant::now(), count));
        Some(count)
    }

    /// The partition's high watermark: the offset its next record will get.
    async fn end_of(&self, topic: &str, partition: i32) -> Option<i64> {
        let (consumer, topic) = (self.consumer.clone(), topic.to_owned());
        tokio::task::spawn_blocking(move || {
            consumer
                .fetch_watermarks(&topic, partition, KAFKA_TIMEOUT)
                .ok()
                .map(|(_, high)| high)
        })
        .await
        .ok()
        .flatten()
    }
}
