//! Rebuilding a partition's streams from the log. Runs after
//! `init_transactions()`, when no other writer can still append, so reading
//! read_committed up to the end gives the final state of every stream.

use std::time::{Duration, Instant};

use events::{Aggregate, Envelope};
use platform::kafka::ReaderContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};

use super::record;
use super::stream_table::{RecordRef, RecordedCommand, StreamTable};

pub struct RestoreReport {
    pub records: u64,
    pub undecodable: u64,
    pub elapsed: Duration,
}

pub fn restore<A: Aggregate>(
    brokers: &str,
    topic: &str,
    partition: i32,
    should_stop: impl Fn() -> bool,
) -> Result<(StreamTable<A>, RestoreReport), KafkaError> {
    let started = Instant::now();
    let consumer: BaseConsumer<ReaderContext> = platform::kafka::client_config(brokers)
        .set("group.id", "command-api.restore")
        .set("enable.auto.commit", "false")
        .set("isolation.level", "read_committed")
        .set("enable.partition.eof", "true")
        .set("fetch.max.bytes", "52428800")
        .set("max.partition.fetch.bytes", "10485760")
        .create_with_context(ReaderContext)?;
    let mut assignment = TopicPartitionList::new();
    assignment.add_partition_offset(topic, partition, Offset::Beginning)?;
    consumer.assign(&assignment)?;

    let mut table = StreamTable::<A>::default();
    let mut report = RestoreReport {
        records: 0,
        undecodable: 0,
        elapsed: Duration::ZERO,
    };
    loop {
        if should_stop() {
            return Err(KafkaError::Canceled);
        }
        match consumer.poll(Duration::from_millis(500)) {
            None => continue,
            Some(Err(KafkaError::PartitionEOF(_))) => break,
            Some(Err(error)) => return Err(error),
            Some(Ok(message)) => {
                report.records += 1;
                let payload = message.payload().unwrap_or_default();
                let Ok(envelope) = Envelope::from_wire_bytes(payload) else {
                    report.undecodable += 1;
                    tracing::error!(
                        topic,
                        partition,
                        offset = message.offset(),
                        "undecodable record in the events topic; skipped during restore"
                    );
                    continue;
                };
                let fingerprint = record::fingerprint_of(message.headers());
                if !apply(&mut table, &envelope, message.offset(), fingerprint) {
                    report.undecodable += 1;
                }
            }
        }
    }
    report.elapsed = started.elapsed();
    Ok((table, report))
}

/// Folds one committed event into the table; false when its data could not be decoded.
fn apply<A: Aggregate>(
    table: &mut StreamTable<A>,
    envelope: &Envelope,
    offset: i64,
    fingerprint: Option<String>,
) -> bool {
    let stream = table.stream_mut(envelope.stream_id);
    // A stream belongs to the tenant of its first event, for good.
    if stream.tenant.is_none() {
        stream.tenant = Some(envelope.tenant_id.clone());
    }
    // The version always advances, so a later append can never reuse it.
    stream.version = stream.version.max(envelope.version);
    stream.last_record = Some(RecordRef::Committed(offset));
    let decoded = envelope.decode::<A::Event>();
    let ok = match &decoded {
        Ok(event) => {
            stream.aggregate = std::mem::take(&mut stream.aggregate).evolve(event);
            true
        }
        Err(error) => {
            tracing::error!(%error, stream_id = %envelope.stream_id, version = envelope.version, "event could not be decoded during restore");
            false
        }
    };
    if let Some(fingerprint) = fingerprint {
        table.record_command(
            (envelope.stream_id, envelope.command_id.clone()),
            RecordedCommand {
                fingerprint,
                version: envelope.version,
                last_record: RecordRef::Committed(offset),
                created: envelope.version == 1,
            },
        );
    }
    ok
}
