//! A pre-filled history: valid task envelopes written straight into the
//! events topic with rdkafka, keyed and partitioned as the command API does.

use std::collections::BTreeMap;

use chrono::Utc;
use events::task::{Priority, Task, TaskCreated, TaskEvent};
use events::{Aggregate, CommandMetadata, Envelope};
use platform::partitioner::partition_for_key;
use rdkafka::producer::{FutureProducer, FutureRecord};
use uuid::Uuid;

/// Every stream of the history: one creation, then renames.
pub const EVENTS_PER_TASK: u64 = 10;
/// Streams per partition kept for the load and the probes.
const SAMPLES_PER_PARTITION: usize = 16;

pub struct History {
    pub events: usize,
    /// Some streams of each partition, each `EVENTS_PER_TASK` events long.
    pub samples: BTreeMap<i32, Vec<Uuid>>,
}

/// `CLUSTER_HISTORY_EVENTS` (default 1,000,000): how many events to pre-fill.
pub fn configured_events() -> usize {
    platform::env_parse("CLUSTER_HISTORY_EVENTS", "1000000")
        .expect("CLUSTER_HISTORY_EVENTS is a number")
}

/// Writes `events` events (streams of `EVENTS_PER_TASK`) of the default
/// tenant into `topic`, which exists with `partitions` partitions.
pub async fn prefill(brokers: &str, topic: &str, partitions: i32, events: usize) -> History {
    let producer: FutureProducer = platform::kafka::client_config(brokers)
        .set("enable.idempotence", "true")
        .set("linger.ms", "20")
        .set("batch.size", "1000000")
        .set("compression.type", "lz4")
        .set("queue.buffering.max.messages", "1000000")
        .create()
        .expect("history producer");
    const TASKS_PER_CHUNK: usize = 5_000;
    let mut samples: BTreeMap<i32, Vec<Uuid>> = BTreeMap::new();
    let mut produced = 0;
    let tasks_total = events.div_ceil(EVENTS_PER_TASK as usize);
    let mut task_number = 0;
    while task_number < tasks_total {
        let tasks = TASKS_PER_CHUNK.min(tasks_total - task_number);
        let ids: Vec<(Uuid, i32)> = (0..tasks)
            .map(|_| {
                let id = Uuid::now_v7();
                (id, partition_for_key(id.to_string().as_bytes(), partitions))
            })
            .collect();
        let mut deliveries = Vec::with_capacity(tasks * EVENTS_PER_TASK as usize);
        for version in 1..=EVENTS_PER_TASK {
            for (i, (id, partition)) in ids.iter().enumerate() {
                let payload = envelope(*id, version, task_number + i).to_json_bytes();
                let key = id.to_string();
                let record = FutureRecord::to(topic)
                    .partition(*partition)
                    .key(&key)
                    .payload(&payload);
                deliveries.push(
                    producer
                        .send_result(record)
                        .map_err(|(error, _)| error)
                        .expect("history record queued"),
                );
            }
        }
        produced += deliveries.len();
        for delivery in deliveries {
            delivery
                .await
                .expect("delivery reported")
                .map_err(|(error, _)| error)
                .expect("history record delivered");
        }
        for (id, partition) in ids {
            let sampled = samples.entry(partition).or_default();
            if sampled.len() < SAMPLES_PER_PARTITION {
                sampled.push(id);
            }
        }
        task_number += tasks;
    }
    History {
        events: produced,
        samples,
    }
}

fn envelope(task_id: Uuid, version: u64, i: usize) -> Envelope {
    let event = if version == 1 {
        TaskEvent::Created(TaskCreated {
            title: format!("history task {i}"),
            description: None,
            priority: Priority::Normal,
            due_date: None,
            assignee: None,
            tags: vec!["history".into()],
            project_id: None,
        })
    } else {
        TaskEvent::Renamed {
            title: format!("history task {i} v{version}"),
        }
    };
    let meta = CommandMetadata {
        command_id: Uuid::now_v7().to_string(),
        correlation_id: "history".into(),
        causation_id: "history".into(),
        actor: tests::auth::DEFAULT_SUBJECT.into(),
        tenant_id: tests::auth::DEFAULT_TENANT.into(),
    };
    Envelope::new(
        &event,
        Task::STREAM_TYPE,
        task_id,
        version,
        &meta,
        Utc::now(),
    )
}
