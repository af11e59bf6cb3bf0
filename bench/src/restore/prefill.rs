//! Fills a fresh topic as fast as a plain producer can with the records the
//! command API itself would have written: per stream a TaskCreated, then
//! E-1 TaskRenamed, versions 1..=E, keyed by the stream id on the partition
//! of the Java default partitioner, with the command API's headers.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::Utc;
use events::task::{Priority, Task, TaskCreated, TaskEvent};
use events::{Aggregate, CommandMetadata, Envelope};
use rdkafka::ClientContext;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{BaseProducer, BaseRecord, DeliveryResult, Producer, ProducerContext};
use uuid::Uuid;

use super::row::Row;

// The record headers of command-api/src/writer/record.rs. They are private
// to the command API and this benchmark must not reach into them (nor, for
// now, move them: the writer is being reworked), so they are repeated here.
const EVENT_TYPE: &str = "event_type";
const SCHEMA_VERSION: &str = "schema_version";
const CONTENT_TYPE: &str = "content-type";
const COMMAND_FINGERPRINT: &str = "command_fingerprint";
/// The command API's `content-type` of plain JSON values (no schema registry).
const PLAIN_JSON: &str = "application/json";

/// One event in this many carries an `Idempotency-Key` (its `command_id`) and
/// a `command_fingerprint` header, so restore also rebuilds idempotency records.
const KEYED_ONE_IN: usize = 10;

/// A pre-filled stream the checks send commands to.
#[derive(Debug, Clone)]
pub struct Stream {
    pub id: Uuid,
    pub tenant: String,
    pub version: u64,
}

pub struct Prefilled {
    pub events: usize,
    /// Streams 0, the middle one and the last.
    pub samples: Vec<Stream>,
    /// The `Idempotency-Key` of stream 9's create: (key, tenant, stream).
    pub used_key: (String, String, Uuid),
}

pub fn tenant_of(stream: usize) -> String {
    format!("tenant-{}", stream % 8)
}

/// The key of a keyed event: stream 9's create is one for every row.
pub fn idempotency_key(stream: usize, version: u64) -> Option<String> {
    (stream + version as usize)
        .is_multiple_of(KEYED_ONE_IN)
        .then(|| format!("restore-{stream}-{version}"))
}

pub async fn prefill(
    brokers: &str,
    topic: &str,
    partitions: i32,
    row: Row,
) -> anyhow::Result<Prefilled> {
    let partitions = platform::kafka::ensure_topic(brokers, topic, partitions, 1).await?;
    let brokers = brokers.to_owned();
    let topic = topic.to_owned();
    tokio::task::spawn_blocking(move || produce(&brokers, &topic, partitions, row)).await?
}

fn produce(brokers: &str, topic: &str, partitions: i32, row: Row) -> anyhow::Result<Prefilled> {
    let producer: BaseProducer<Deliveries> = platform::kafka::client_config(brokers)
        .set("enable.idempotence", "true")
        .set("compression.type", "lz4")
        .set("linger.ms", "50")
        .set("batch.size", "1000000")
        .set("queue.buffering.max.messages", "1000000")
        .set("queue.buffering.max.kbytes", "1048576")
        .create_with_context(Deliveries::default())?;
    let started = Instant::now();
    let ids: Vec<Uuid> = (0..row.streams).map(|_| Uuid::new_v4()).collect();
    let keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let stream_partitions: Vec<i32> = keys
        .iter()
        .map(|key| platform::partitioner::partition_for_key(key.as_bytes(), partitions))
        .collect();
    // Version by version, so every stream's events are in order on its
    // partition (one producer, idempotent: no reordering on retries).
    for version in 1..=row.events_per_stream as u64 {
        for (stream, id) in ids.iter().enumerate() {
            let key = idempotency_key(stream, version);
            let envelope = envelope(*id, stream, version, key.as_deref());
            let payload = envelope.to_json_bytes();
            let fingerprint = key.map(|_| format!("{:016x}", stream as u64 * 31 + version));
            let mut record = BaseRecord::to(topic)
                .partition(stream_partitions[stream])
                .key(&keys[stream])
                .payload(&payload)
                .headers(headers(&envelope, fingerprint.as_deref()));
            loop {
                match producer.send(record) {
                    Ok(()) => break,
                    Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                        record = back;
                        producer.poll(Duration::from_millis(10));
                    }
                    Err((error, _)) => return Err(error.into()),
                }
            }
            producer.poll(Duration::ZERO);
        }
        println!(
            "  version {version}: {} events in {:.1}s",
            row.streams * version as usize,
            started.elapsed().as_secs_f64()
        );
    }
    producer.flush(Duration::from_secs(300))?;
    if let Some(error) = producer.context().first_error.lock().expect("lock").take() {
        anyhow::bail!("a pre-fill record was not delivered: {error}");
    }
    let version = row.events_per_stream as u64;
    let samples = [0, row.streams / 2, row.streams - 1]
        .into_iter()
        .map(|stream| Stream {
            id: ids[stream],
            tenant: tenant_of(stream),
            version,
        })
        .collect();
    let key = idempotency_key(9, 1).expect("stream 9's create is keyed");
    Ok(Prefilled {
        events: row.events(),
        samples,
        used_key: (key, tenant_of(9), ids[9]),
    })
}

fn envelope(stream_id: Uuid, stream: usize, version: u64, key: Option<&str>) -> Envelope {
    let event = if version == 1 {
        TaskEvent::Created(TaskCreated {
            title: format!("restore task {stream}"),
            description: None,
            priority: Priority::Normal,
            due_date: None,
            assignee: None,
            tags: vec!["bench".into()],
            project_id: None,
        })
    } else {
        TaskEvent::Renamed {
            title: format!("restore task {stream} v{version}"),
        }
    };
    let command_id = key.map_or_else(|| Uuid::now_v7().to_string(), str::to_owned);
    let meta = CommandMetadata {
        correlation_id: command_id.clone(),
        causation_id: command_id.clone(),
        command_id,
        actor: "bench".into(),
        tenant_id: tenant_of(stream),
    };
    Envelope::new(
        &event,
        Task::STREAM_TYPE,
        stream_id,
        version,
        &meta,
        Utc::now(),
    )
}

fn headers(envelope: &Envelope, fingerprint: Option<&str>) -> OwnedHeaders {
    let schema_version = envelope.schema_version.to_string();
    let headers = OwnedHeaders::new_with_capacity(4)
        .insert(Header {
            key: EVENT_TYPE,
            value: Some(envelope.event_type.as_str()),
        })
        .insert(Header {
            key: SCHEMA_VERSION,
            value: Some(schema_version.as_str()),
        })
        .insert(Header {
            key: CONTENT_TYPE,
            value: Some(PLAIN_JSON),
        });
    match fingerprint {
        Some(fingerprint) => headers.insert(Header {
            key: COMMAND_FINGERPRINT,
            value: Some(fingerprint),
        }),
        None => headers,
    }
}

/// Keeps the first failed delivery, reported once the producer is flushed.
#[derive(Default)]
struct Deliveries {
    first_error: Mutex<Option<KafkaError>>,
}

impl ClientContext for Deliveries {}

impl ProducerContext for Deliveries {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: Self::DeliveryOpaque) {
        if let Err((error, _)) = result {
            let mut first = self.first_error.lock().expect("lock");
            first.get_or_insert_with(|| error.clone());
        }
    }
}
