//! Reading a topic back the way an analytics consumer would.

use std::collections::HashMap;
use std::time::Duration;

use events::Envelope;
use events::wire::WireValue;
use platform::kafka::ReaderContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{Headers, Message};
use rdkafka::{Offset, TopicPartitionList};

#[derive(Debug, Clone)]
pub struct ReadRecord {
    pub partition: i32,
    pub offset: i64,
    pub key: Option<String>,
    pub headers: HashMap<String, String>,
    pub payload: Vec<u8>,
}

impl ReadRecord {
    /// The envelope, from plain JSON or a schema-registry framed value.
    pub fn envelope(&self) -> Envelope {
        Envelope::from_wire_bytes(&self.payload).expect("record value is an envelope")
    }

    /// The value's JSON, without the schema registry framing if it has one.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(self.wire().json).expect("record value is JSON")
    }

    /// The schema id of a framed value; `None` for plain JSON.
    pub fn schema_id(&self) -> Option<u32> {
        self.wire().schema_id
    }

    fn wire(&self) -> WireValue<'_> {
        WireValue::parse(&self.payload).expect("record value is plain or framed JSON")
    }
}

/// Every committed record of the topic, in partition then offset order.
pub fn read_all(brokers: &str, topic: &str) -> Vec<ReadRecord> {
    read_from(brokers, topic, &[])
}

/// The end offset (high watermark) of each partition, by partition number.
/// Records count as soon as they are written, committed or not, and so do
/// transaction markers: compare them to see whether anything was written,
/// then [`read_from`] to see whether a committed record was.
pub fn end_offsets(brokers: &str, topic: &str) -> Vec<i64> {
    EndOffsets::new(brokers, topic).now()
}

/// Reads end offsets again and again over one connection (a fuzz compares
/// them around every request).
pub struct EndOffsets {
    consumer: BaseConsumer<ReaderContext>,
    topic: String,
    partitions: i32,
}

impl EndOffsets {
    pub fn new(brokers: &str, topic: &str) -> Self {
        // read_uncommitted: its end offsets are the high watermarks. A
        // read_committed consumer gets the last stable offset instead, which
        // moves only when a commit marker lands, after the producer's commit
        // has returned, so a committed record would show up late.
        let consumer = client(brokers, "read_uncommitted");
        let partitions = partition_count(&consumer, topic);
        Self {
            consumer,
            topic: topic.to_owned(),
            partitions,
        }
    }

    pub fn now(&self) -> Vec<i64> {
        (0..self.partitions)
            .map(|partition| {
                self.consumer
                    .fetch_watermarks(&self.topic, partition, Duration::from_secs(10))
                    .map(|(_, high)| high)
                    .expect("partition watermarks")
            })
            .collect()
    }
}

/// Every committed record at or after `starts[partition]` (the beginning of
/// partitions `starts` does not cover), in partition then offset order.
pub fn read_from(brokers: &str, topic: &str, starts: &[i64]) -> Vec<ReadRecord> {
    let consumer = reader(brokers);
    let partitions = partition_count(&consumer, topic);
    let mut assignment = TopicPartitionList::new();
    for partition in 0..partitions {
        let start = starts
            .get(partition as usize)
            .map_or(Offset::Beginning, |&offset| Offset::Offset(offset));
        assignment
            .add_partition_offset(topic, partition, start)
            .unwrap();
    }
    consumer.assign(&assignment).unwrap();

    let mut records = Vec::new();
    let mut finished = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while finished < partitions {
        assert!(
            std::time::Instant::now() < deadline,
            "reading {topic} timed out"
        );
        match consumer.poll(Duration::from_millis(500)) {
            None => {}
            Some(Err(KafkaError::PartitionEOF(_))) => finished += 1,
            Some(Err(error)) => panic!("reading {topic}: {error}"),
            Some(Ok(message)) => records.push(ReadRecord {
                partition: message.partition(),
                offset: message.offset(),
                key: message
                    .key()
                    .map(|k| String::from_utf8_lossy(k).into_owned()),
                headers: message
                    .headers()
                    .map(|headers| {
                        headers
                            .iter()
                            .map(|h| {
                                (
                                    h.key.to_owned(),
                                    String::from_utf8_lossy(h.value.unwrap_or_default())
                                        .into_owned(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                payload: message.payload().unwrap_or_default().to_vec(),
            }),
        }
    }
    records.sort_by_key(|r| (r.partition, r.offset));
    records
}

fn reader(brokers: &str) -> BaseConsumer<ReaderContext> {
    client(brokers, "read_committed")
}

fn client(brokers: &str, isolation: &str) -> BaseConsumer<ReaderContext> {
    platform::kafka::client_config(brokers)
        .set("group.id", "tests.reader")
        .set("enable.auto.commit", "false")
        .set("isolation.level", isolation)
        .set("enable.partition.eof", "true")
        .create_with_context(ReaderContext)
        .expect("reader consumer")
}

fn partition_count(consumer: &BaseConsumer<ReaderContext>, topic: &str) -> i32 {
    let metadata = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .expect("topic metadata");
    metadata.topics()[0].partitions().len() as i32
}

/// The envelopes of one stream, in version order.
pub fn stream_events(records: &[ReadRecord], stream_id: uuid::Uuid) -> Vec<Envelope> {
    let mut envelopes: Vec<Envelope> = records
        .iter()
        .map(ReadRecord::envelope)
        .filter(|e| e.stream_id == stream_id)
        .collect();
    envelopes.sort_by_key(|e| e.version);
    envelopes
}
