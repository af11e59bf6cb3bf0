//! Membership of the command API's consumer group. The group only decides
//! ownership: assigned partitions are paused at once, so this consumer never
//! re-reads the events its own writers append; it keeps polling so the
//! member keeps its assignment.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use events::Aggregate;
use rdkafka::TopicPartitionList;
use rdkafka::client::ClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::KafkaResult;

use super::Registry;

pub struct GroupMemberSettings {
    pub brokers: String,
    pub topic: String,
    pub group_id: String,
    pub client_id: String,
    pub session_timeout: Duration,
}

pub struct GroupMember {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl GroupMember {
    pub fn join<A: Aggregate>(
        settings: GroupMemberSettings,
        registry: Arc<Registry<A>>,
    ) -> KafkaResult<Self> {
        let session_timeout = settings.session_timeout.as_millis().max(1000);
        let heartbeat = (session_timeout / 3).max(100);
        let consumer: BaseConsumer<OwnershipContext<A>> =
            platform::kafka::client_config(&settings.brokers)
                .set("group.id", &settings.group_id)
                .set("client.id", &settings.client_id)
                .set("partition.assignment.strategy", "cooperative-sticky")
                .set("session.timeout.ms", session_timeout.to_string())
                .set("heartbeat.interval.ms", heartbeat.to_string())
                .set("enable.auto.commit", "false")
                .set("auto.offset.reset", "latest")
                .create_with_context(OwnershipContext {
                    registry: registry.clone(),
                })?;
        consumer.subscribe(&[&settings.topic])?;

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
                        registry.replace_dead_writers();
                    }
                    // Leaving the group revokes our partitions, which stops the writers.
                    consumer.unsubscribe();
                    registry.revoke_all();
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

struct OwnershipContext<A: Aggregate> {
    registry: Arc<Registry<A>>,
}

impl<A: Aggregate> ClientContext for OwnershipContext<A> {}

impl<A: Aggregate> ConsumerContext for OwnershipContext<A> {
    fn pre_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Revoke(partitions) = rebalance {
            let partitions = partitions_in(partitions, self.registry.topic());
            tracing::info!(?partitions, "partitions revoked");
            self.registry.revoke(&partitions);
        }
    }

    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(assigned) => {
                if let Err(error) = consumer.pause(assigned) {
                    tracing::warn!(%error, "could not pause assigned partitions");
                }
                let partitions = partitions_in(assigned, self.registry.topic());
                tracing::info!(?partitions, "partitions assigned");
                self.registry.assign(&partitions);
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
