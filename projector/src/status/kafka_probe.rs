//! What the status needs from Kafka: partitions and high watermarks of the
//! topic, members of a consumer group, offsets by time. Blocking calls: run
//! them off the async runtime's workers (`spawn_blocking`).

use std::collections::BTreeMap;
use std::time::Duration;

use platform::kafka::ReaderContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::{Offset, TopicPartitionList};

const TIMEOUT: Duration = Duration::from_secs(5);

pub struct KafkaProbe {
    // No group: it never consumes, it only asks.
    consumer: BaseConsumer<ReaderContext>,
}

impl KafkaProbe {
    pub fn new(brokers: &str) -> Result<Self, KafkaError> {
        let consumer =
            platform::kafka::client_config(brokers).create_with_context(ReaderContext)?;
        Ok(Self { consumer })
    }

    pub fn partitions(&self, topic: &str) -> Result<Vec<i32>, KafkaError> {
        let metadata = self.consumer.fetch_metadata(Some(topic), TIMEOUT)?;
        Ok(metadata
            .topics()
            .iter()
            .filter(|found| found.name() == topic && found.error().is_none())
            .flat_map(|found| found.partitions().iter().map(|p| p.id()))
            .collect())
    }

    /// Per partition, the offset after the last record (markers included).
    pub fn high_watermarks(&self, topic: &str) -> Result<BTreeMap<i32, i64>, KafkaError> {
        self.partitions(topic)?
            .into_iter()
            .map(|partition| {
                let (_, high) = self.consumer.fetch_watermarks(topic, partition, TIMEOUT)?;
                Ok((partition, high))
            })
            .collect()
    }

    /// How many members the group has (0: nobody consumes for it).
    pub fn group_members(&self, group: &str) -> Result<usize, KafkaError> {
        let groups = self.consumer.fetch_group_list(Some(group), TIMEOUT)?;
        Ok(groups
            .groups()
            .iter()
            .filter(|found| found.name() == group)
            .map(|found| found.members().len())
            .sum())
    }

    /// Per partition, the offset of the first record at or after
    /// `millis` since the epoch; `None` when there is none.
    pub fn offsets_for_time(
        &self,
        topic: &str,
        partitions: &[i32],
        millis: i64,
    ) -> Result<BTreeMap<i32, Option<i64>>, KafkaError> {
        let mut list = TopicPartitionList::new();
        for &partition in partitions {
            list.add_partition_offset(topic, partition, Offset::Offset(millis))?;
        }
        let found = self.consumer.offsets_for_times(list, TIMEOUT)?;
        Ok(found
            .elements()
            .iter()
            .map(|element| {
                let offset = match element.offset() {
                    Offset::Offset(offset) => Some(offset),
                    _ => None,
                };
                (element.partition(), offset)
            })
            .collect())
    }
}
