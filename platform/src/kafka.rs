//! Kafka client configuration and topic provisioning.

use std::time::Duration;

use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::{ClientContext, DefaultClientContext};
use rdkafka::consumer::ConsumerContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};

/// The settings every client of ours starts from.
pub fn client_config(brokers: &str) -> ClientConfig {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", brokers)
        .set("broker.address.family", "v4")
        .set("log_level", "4");
    config
}

#[derive(Debug, thiserror::Error)]
pub enum TopicError {
    #[error("Kafka error while provisioning topic {topic}: {source}")]
    Kafka { topic: String, source: KafkaError },
    #[error("topic {topic} has no partitions in the cluster metadata after {waited:?}")]
    NotVisible { topic: String, waited: Duration },
    #[error("topic {topic} has {found} partitions; it must have {expected}, as its events topic")]
    PartitionsDiffer {
        topic: String,
        found: i32,
        expected: i32,
    },
}

/// An acknowledged append must survive the loss of one replica, so with 3
/// replicas 2 must have it; a single-node development broker has just one.
fn min_insync_replicas(replication: i32) -> i32 {
    (replication - 1).clamp(1, 2)
}

/// Creates the topic when missing (unlimited retention, `min.insync.replicas`, the given partition
/// count, replication factor `replication`) and returns its partition count as
/// the cluster reports it, which wins over `partitions` for existing topics.
pub async fn ensure_topic(
    brokers: &str,
    topic: &str,
    partitions: i32,
    replication: i32,
) -> Result<i32, TopicError> {
    let configs = [("retention.ms", "-1"), ("retention.bytes", "-1")];
    create_topic(brokers, topic, partitions, replication, &configs).await
}

/// The compacted topic of the snapshots of an events topic's streams.
pub fn state_topic_of(events_topic: &str) -> String {
    format!("{events_topic}.state")
}

/// Creates a state topic (see [`state_topic_of`]) when missing: compacted,
/// with exactly the events topic's `partitions`, since a snapshot lives in
/// the partition of the same number as its stream.
pub async fn ensure_state_topic(
    brokers: &str,
    topic: &str,
    partitions: i32,
    replication: i32,
) -> Result<i32, TopicError> {
    // The latest snapshot of each stream is all a restore needs. Segments
    // roll hourly so compaction can reach them; streams are never deleted,
    // so no tombstones need a retention of their own.
    let configs = [
        ("cleanup.policy", "compact"),
        ("segment.ms", "3600000"),
        ("min.cleanable.dirty.ratio", "0.5"),
        ("max.compaction.lag.ms", "86400000"),
    ];
    create_companion_topic(brokers, topic, partitions, replication, &configs).await
}

/// The topic of the idempotency key claims of an events topic's commands.
pub fn keys_topic_of(events_topic: &str) -> String {
    format!("{events_topic}.keys")
}

/// Creates a keys topic (see [`keys_topic_of`]) when missing: compacted, and
/// deleting claims a day after `retention` (`None`: never), with exactly the
/// events topic's `partitions`. An existing topic keeps its settings.
pub async fn ensure_keys_topic(
    brokers: &str,
    topic: &str,
    partitions: i32,
    replication: i32,
    retention: Option<Duration>,
) -> Result<i32, TopicError> {
    // Writers ignore claims older than the retention themselves; the day
    // more only keeps deletion, which goes by whole segments, off the window.
    let retention_ms = retention.map_or("-1".to_owned(), |retention| {
        (retention + Duration::from_secs(86_400))
            .as_millis()
            .to_string()
    });
    let configs = [
        ("cleanup.policy", "compact,delete"),
        ("retention.ms", retention_ms.as_str()),
        ("segment.ms", "3600000"),
    ];
    create_companion_topic(brokers, topic, partitions, replication, &configs).await
}

/// Creates a topic that must be partitioned exactly like its events topic
/// (a record lives in the partition of the same number as its stream's).
async fn create_companion_topic(
    brokers: &str,
    topic: &str,
    partitions: i32,
    replication: i32,
    configs: &[(&str, &str)],
) -> Result<i32, TopicError> {
    let found = create_topic(brokers, topic, partitions, replication, configs).await?;
    if found != partitions {
        return Err(TopicError::PartitionsDiffer {
            topic: topic.to_owned(),
            found,
            expected: partitions,
        });
    }
    Ok(found)
}

async fn create_topic(
    brokers: &str,
    topic: &str,
    partitions: i32,
    replication: i32,
    configs: &[(&str, &str)],
) -> Result<i32, TopicError> {
    let kafka_error = |source| TopicError::Kafka {
        topic: topic.to_owned(),
        source,
    };
    let admin: AdminClient<DefaultClientContext> =
        client_config(brokers).create().map_err(kafka_error)?;
    let min_insync_replicas = min_insync_replicas(replication).to_string();
    let mut new_topic = NewTopic::new(topic, partitions, TopicReplication::Fixed(replication))
        .set("min.insync.replicas", &min_insync_replicas);
    for (name, value) in configs {
        new_topic = new_topic.set(name, value);
    }
    let results = admin
        .create_topics(
            [&new_topic],
            &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10))),
        )
        .await
        .map_err(kafka_error)?;
    for result in results {
        match result {
            Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((_, code)) => return Err(kafka_error(KafkaError::AdminOp(code))),
        }
    }
    wait_for_partitions(brokers, topic).await
}

/// The topic's partition count, waiting until every partition has a leader.
pub async fn wait_for_partitions(brokers: &str, topic: &str) -> Result<i32, TopicError> {
    let brokers = brokers.to_owned();
    let topic = topic.to_owned();
    tokio::task::spawn_blocking(move || {
        let kafka_error = |source| TopicError::Kafka {
            topic: topic.clone(),
            source,
        };
        let consumer: BaseConsumer = client_config(&brokers).create().map_err(kafka_error)?;
        let waited = Duration::from_secs(30);
        let deadline = std::time::Instant::now() + waited;
        loop {
            let metadata = consumer
                .fetch_metadata(Some(&topic), Duration::from_secs(5))
                .map_err(kafka_error)?;
            let partitions = metadata
                .topics()
                .iter()
                .find(|candidate| candidate.name() == topic)
                .filter(|found| found.error().is_none())
                .map(|found| found.partitions())
                .unwrap_or_default();
            if !partitions.is_empty() && partitions.iter().all(|p| p.leader() >= 0) {
                return Ok(partitions.len() as i32);
            }
            if std::time::Instant::now() > deadline {
                return Err(TopicError::NotVisible {
                    topic: topic.clone(),
                    waited,
                });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    })
    .await
    .expect("metadata task panicked")
}

/// Context for consumers that read a partition to its end with
/// `enable.partition.eof`: reaching the end is the expected outcome there,
/// not the error librdkafka's default context would log.
pub struct ReaderContext;

impl ClientContext for ReaderContext {
    fn error(&self, error: KafkaError, reason: &str) {
        if error.rdkafka_error_code() != Some(RDKafkaErrorCode::PartitionEOF) {
            tracing::error!(%error, reason, "Kafka client error");
        }
    }
}

impl ConsumerContext for ReaderContext {}

#[cfg(test)]
mod tests {
    use super::min_insync_replicas;

    #[test]
    fn one_replica_may_be_lost() {
        assert_eq!(min_insync_replicas(1), 1);
        assert_eq!(min_insync_replicas(2), 1);
        assert_eq!(min_insync_replicas(3), 2);
        assert_eq!(min_insync_replicas(5), 2);
    }
}
