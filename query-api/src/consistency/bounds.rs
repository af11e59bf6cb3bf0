//! Whether a position token can name a real event: its partition must exist
//! and its offset must be below the partition's end. A token that cannot is
//! refused at once instead of waiting out the timeout for an event that will
//! never be projected.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use platform::kafka::ReaderContext;
use rdkafka::consumer::{BaseConsumer, Consumer};

/// Partition counts change only when an operator adds partitions.
const PARTITION_COUNT_TTL: Duration = Duration::from_secs(30);
const KAFKA_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutOfBounds {
    #[error("the topic has {partitions} partitions; there is no partition {partition}")]
    NoSuchPartition { partition: i32, partitions: i32 },
    #[error("partition {partition} ends before offset {offset} (its next offset is {end})")]
    BeyondEnd {
        partition: i32,
        offset: i64,
        end: i64,
    },
}

pub struct TopicBounds {
    topic: String,
    consumer: Arc<BaseConsumer<ReaderContext>>,
    partition_count: Mutex<Option<(Instant, i32)>>,
}

impl TopicBounds {
    pub fn new(brokers: &str, topic: &str) -> Result<Self, rdkafka::error::KafkaError> {
        Ok(Self {
            topic: topic.to_owned(),
            // The high watermark, not the last stable offset: a transaction's
            // markers land on the partition just after its commit is
            // acknowledged, so read_committed would call a fresh token impossible.
            consumer: Arc::new(
                platform::kafka::client_config(brokers)
                    .set("isolation.level", "read_uncommitted")
                    .create_with_context(ReaderContext)?,
            ),
            partition_count: Mutex::new(None),
        })
    }

    /// Refuses a position that cannot exist. When Kafka cannot tell right
    /// now, the position is given the benefit of the doubt (the read then
    /// waits as it always did).
    pub async fn check(&self, partition: i32, offset: i64) -> Result<(), OutOfBounds> {
        if let Some(partitions) = self.partition_count().await
            && partition >= partitions
        {
            return Err(OutOfBounds::NoSuchPartition {
                partition,
                partitions,
            });
        }
        match self.end_of(partition).await {
            Some(end) if offset >= end => Err(OutOfBounds::BeyondEnd {
                partition,
                offset,
                end,
            }),
            _ => Ok(()),
        }
    }

    async fn partition_count(&self) -> Option<i32> {
        if let Some((at, count)) = *self.partition_count.lock().expect("bounds lock")
            && at.elapsed() < PARTITION_COUNT_TTL
        {
            return Some(count);
        }
        let (consumer, topic) = (self.consumer.clone(), self.topic.clone());
        let count = tokio::task::spawn_blocking(move || {
            let metadata = consumer.fetch_metadata(Some(&topic), KAFKA_TIMEOUT).ok()?;
            let partitions = metadata.topics().first()?.partitions().len();
            (partitions > 0).then_some(partitions as i32)
        })
        .await
        .ok()
        .flatten()?;
        *self.partition_count.lock().expect("bounds lock") = Some((Instant::now(), count));
        Some(count)
    }

    /// The partition's high watermark: the offset its next record will get.
    async fn end_of(&self, partition: i32) -> Option<i64> {
        let (consumer, topic) = (self.consumer.clone(), self.topic.clone());
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
