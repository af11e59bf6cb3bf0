//! The consumer's callbacks: on assignment, start each partition at its
//! stored checkpoint (Kafka's committed offsets are informational only); on
//! revocation, forget it; from the statistics, keep the high watermarks.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rdkafka::ClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext, RebalanceProtocol};
use rdkafka::statistics::Statistics;
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use rdkafka::types::RDKafkaRespErr;
use read_model::checkpoint;
use sqlx::PgPool;
use tokio::runtime::Runtime;

use super::state::WorkerState;

pub struct ProjectorContext {
    /// The worker thread's runtime: callbacks run inside `poll` on that
    /// thread, outside any `block_on`, so they may block on it.
    pub runtime: Arc<Runtime>,
    pub pool: PgPool,
    pub state: Arc<WorkerState>,
    pub stopping: Arc<AtomicBool>,
}

impl ClientContext for ProjectorContext {
    fn stats(&self, statistics: Statistics) {
        let Some(topic) = statistics.topics.get(&self.state.topic) else {
            return;
        };
        let mut partitions = self.state.lock();
        for partition in topic.partitions.values() {
            if partition.partition >= 0 && partition.hi_offset >= 0 {
                partitions
                    .high_watermarks
                    .insert(partition.partition, partition.hi_offset);
            }
        }
    }
}

impl ConsumerContext for ProjectorContext {
    fn rebalance(
        &self,
        consumer: &BaseConsumer<Self>,
        error: RDKafkaRespErr,
        list: &mut TopicPartitionList,
    ) {
        match error {
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS => self.assign(consumer, list),
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS => self.revoke(consumer, list),
            other => {
                tracing::error!(projection = %self.state.projection, error = ?other, "rebalance failed");
                self.revoke(consumer, list);
            }
        }
    }
}

impl ProjectorContext {
    fn partitions_of(&self, list: &TopicPartitionList) -> Vec<i32> {
        list.elements_for_topic(&self.state.topic)
            .iter()
            .map(|element| element.partition())
            .collect()
    }

    fn assign(&self, consumer: &BaseConsumer<Self>, list: &mut TopicPartitionList) {
        let partitions = self.partitions_of(list);
        let stored = match self.stored_checkpoints(&partitions) {
            Some(stored) => stored,
            None => {
                // Shutting down while the database is unreachable: take the
                // partitions as told but fetch nothing; closing hands them back.
                let _ = incremental(consumer, list, true);
                let _ = consumer.pause(list);
                return;
            }
        };
        for &partition in &partitions {
            let offset = match stored.get(&partition) {
                Some(&next) => Offset::Offset(next),
                None => Offset::Beginning,
            };
            if let Err(error) = list.set_partition_offset(&self.state.topic, partition, offset) {
                tracing::error!(%error, partition, "cannot set the start offset");
            }
        }
        if let Err(error) = incremental(consumer, list, true) {
            tracing::error!(%error, "assigning partitions failed");
            return;
        }
        let mut state = self.state.lock();
        for &partition in &partitions {
            state.assign(partition, stored.get(&partition).copied().unwrap_or(0));
        }
        tracing::info!(
            projection = %self.state.projection,
            ?partitions,
            checkpoints = ?stored,
            "partitions assigned; starting at the stored checkpoints"
        );
    }

    fn revoke(&self, consumer: &BaseConsumer<Self>, list: &TopicPartitionList) {
        let partitions = self.partitions_of(list);
        {
            let mut state = self.state.lock();
            for &partition in &partitions {
                state.revoke(partition);
                super::metrics::forget_partition(
                    &self.state.projection,
                    &self.state.topic,
                    partition,
                );
            }
        }
        if let Err(error) = incremental(consumer, list, false) {
            tracing::warn!(%error, "unassigning partitions failed");
        }
        tracing::info!(projection = %self.state.projection, ?partitions, "partitions revoked");
    }

    /// Reads the checkpoints, retrying while the database is unreachable;
    /// `None` when the worker is asked to stop meanwhile.
    fn stored_checkpoints(
        &self,
        partitions: &[i32],
    ) -> Option<std::collections::HashMap<i32, i64>> {
        let mut delay = Duration::from_millis(100);
        loop {
            let load = checkpoint::load(
                &self.pool,
                &self.state.projection,
                &self.state.topic,
                partitions,
            );
            match self.runtime.block_on(load) {
                Ok(stored) => return Some(stored),
                Err(error) => {
                    tracing::error!(%error, "cannot read the checkpoints of assigned partitions; retrying");
                    if self.stopping.load(Ordering::SeqCst) {
                        return None;
                    }
                    std::thread::sleep(delay);
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        }
    }
}

fn incremental(
    consumer: &BaseConsumer<ProjectorContext>,
    list: &TopicPartitionList,
    assign: bool,
) -> rdkafka::error::KafkaResult<()> {
    match (consumer.rebalance_protocol(), assign) {
        (RebalanceProtocol::Cooperative, true) => consumer.incremental_assign(list),
        (RebalanceProtocol::Cooperative, false) => consumer.incremental_unassign(list),
        (_, true) => consumer.assign(list),
        (_, false) => consumer.unassign(),
    }
}
