//! Membership of the command API's consumer group. The group only decides
//! ownership: assigned partitions are paused at once, so this consumer never
//! re-reads the events its own writers append; it keeps polling so the
//! member keeps its assignment.
//!
//! One member per instance subscribes to the events topic of every mounted
//! aggregate, so one group (`COMMAND_API_GROUP`) shares out the partitions of
//! all of them and each rebalance is handed, topic by topic, to the owner of
//! that topic's writers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use rdkafka::TopicPartitionList;
use rdkafka::client::ClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::KafkaResult;

use super::PartitionOwner;

pub struct GroupMemberSettings {
    pub brokers: String,
    pub group_id: String,
    pub client_id: String,
    pub session_timeout: Duration,
}

pub struct GroupMember {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl GroupMember {
    /// Joins the group on the topics of `owners`.
    pub fn join(
        settings: GroupMemberSettings,
        owners: Vec<Arc<dyn PartitionOwner>>,
    ) -> KafkaResult<Self> {
        let session_timeout = settings.session_timeout.as_millis().max(1000);
        let heartbeat = (session_timeout / 3).max(100);
        let consumer: BaseConsumer<OwnershipContext> =
            platform::kafka::client_config(&settings.brokers)
                .set("group.id", &settings.group_id)
                .set("client.id", &settings.client_id)
                .set("partition.assignment.strategy", "cooperative-sticky")
                .set("session.timeout.ms", session_timeout.to_string())
                .set("heartbeat.interval.ms", heartbeat.to_string())
                .set("enable.auto.commit", "false")
                .set("auto.offset.reset", "latest")
                .create_with_context(OwnershipContext {
                    owners: owners.clone(),
                })?;
        let topics: Vec<&str> = owners.iter().map(|owner| owner.topic()).collect();
        consumer.subscribe(&topics)?;

        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("group-member".into())
                .spawn(move || {
                    while !stop.load(Ordering::Acquire) {
                        if let Some(Err(error)) = consumer.poll(Duration::from_millis(100)) {
                            tracing::warn!(%error, "consumer group error");
                        }
                        for owner in &owners {
                            owner.replace_dead_writers();
                        }
                    }
                    // Leaving the group revokes our partitions, which stops the writers.
                    consumer.unsubscribe();
                    for owner in &owners {
                        owner.revoke_all();
                    }
                })
                .expect("spawning the group member thread")
        };
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }

    pub fn leave(mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct OwnershipContext {
    owners: Vec<Arc<dyn PartitionOwner>>,
}

impl ClientContext for OwnershipContext {}

impl ConsumerContext for OwnershipContext {
    fn pre_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Revoke(revoked) = rebalance {
            for owner in &self.owners {
                let partitions = partitions_in(revoked, owner.topic());
                tracing::info!(topic = owner.topic(), ?partitions, "partitions revoked");
                owner.revoke(&partitions);
            }
        }
    }

    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(assigned) => {
                if let Err(error) = consumer.pause(assigned) {
                    tracing::warn!(%error, "could not pause assigned partitions");
                }
                // Every owner hears of every assignment, an empty one too:
                // that is how each learns the member has joined.
                for owner in &self.owners {
                    let partitions = partitions_in(assigned, owner.topic());
                    tracing::info!(topic = owner.topic(), ?partitions, "partitions assigned");
                    owner.assign(&partitions);
                }
            }
            Rebalance::Error(error) => tracing::warn!(%error, "rebalance failed"),
            Rebalance::Revoke(_) => {}
        }
    }
}

fn partitions_in(list: &TopicPartitionList, topic: &str) -> Vec<i32> {
    list.elements_for_topic(topic)
        .iter()
        .map(|element| element.partition())
        .collect()
}
