//! Rebuilding a partition's streams: first from the compacted state topic
//! (one snapshot per stream), then from the events partition's tail that no
//! snapshot covers yet. Runs after `init_transactions()`, when no other
//! writer can still append, so reading read_committed up to the end of both
//! gives the final state of every stream.
//!
//! Snapshots are committed in the same transaction as their events, so the
//! highest `last_offset` among a partition's snapshots is where the events
//! they do not cover begin: in steady state nothing but a commit marker. A
//! log written before snapshots existed has none, and is replayed in full
//! once; a snapshot this build cannot read sends its stream back to its first
//! event. Every stream folded from events here is `replayed`, so the writer
//! snapshots it before serving.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use events::{Aggregate, Envelope, Snapshot, SnapshotHead};
use platform::kafka::ReaderContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{BorrowedMessage, Message};
use rdkafka::{Offset, TopicPartitionList};
use uuid::Uuid;

use super::key_claims::{ClaimRecord, KeyClaims, claim_key};
use super::record;
use super::snapshot::from_snapshot;
use super::stream_table::{RecordRef, RecordedCommand, StreamTable};

pub struct RestoreReport {
    pub snapshots: u64,
    pub events: u64,
    pub undecodable: u64,
    /// Streams folded from events, which have no current snapshot yet.
    pub replayed: Vec<Uuid>,
    pub elapsed: Duration,
}

pub struct RestoreSource<'a> {
    pub brokers: &'a str,
    pub topic: &'a str,
    pub state_topic: &'a str,
    pub partition: i32,
    /// Idempotency keys recorded before it are not restored.
    pub keys_since: Option<DateTime<Utc>>,
}

pub fn restore<A: Aggregate>(
    source: &RestoreSource<'_>,
    should_stop: impl Fn() -> bool,
) -> Result<(StreamTable<A>, RestoreReport), KafkaError> {
    let started = Instant::now();
    let mut table = StreamTable::<A>::default();
    let mut report = RestoreReport {
        snapshots: 0,
        events: 0,
        undecodable: 0,
        replayed: Vec::new(),
        elapsed: Duration::ZERO,
    };

    // Streams whose snapshot is unreadable, with the offset of their first event.
    let mut unreadable: HashMap<Uuid, i64> = HashMap::new();
    let mut covered: Option<i64> = None;
    read_to_end(
        source.brokers,
        source.state_topic,
        source.partition,
        Offset::Beginning,
        &should_stop,
        |message| {
            report.snapshots += 1;
            let payload = message.payload().unwrap_or_default();
            match Snapshot::from_bytes(payload).and_then(|s| Ok((from_snapshot::<A>(&s)?, s))) {
                Ok((stream, snapshot)) => {
                    covered = covered.max(Some(snapshot.last_offset));
                    unreadable.remove(&snapshot.stream_id);
                    table.insert(snapshot.stream_id, stream);
                }
                Err(error) => {
                    let head = SnapshotHead::from_bytes(payload);
                    let stream_id = head.as_ref().map(|h| h.stream_id).or_else(|| {
                        let key = message.key().unwrap_or_default();
                        Uuid::try_parse_ascii(key).ok()
                    });
                    tracing::warn!(%error, ?stream_id, "snapshot not readable; its stream is replayed from its events");
                    covered = covered.max(head.as_ref().map(|h| h.last_offset));
                    if let Some(stream_id) = stream_id {
                        let first = head.map_or(0, |h| h.first_offset);
                        unreadable.insert(stream_id, first);
                        table.remove(stream_id);
                    }
                }
            }
        },
    )?;

    let tail_start = match covered {
        None => 0,
        Some(last) => last + 1,
    };
    let replay_start = unreadable.values().copied().fold(tail_start, i64::min);
    let mut replayed = HashSet::new();
    read_to_end(
        source.brokers,
        source.topic,
        source.partition,
        Offset::Offset(replay_start),
        &should_stop,
        |message| {
            let offset = message.offset();
            if offset < tail_start {
                // Before the tail only the streams without a readable snapshot matter.
                let key = message.key().unwrap_or_default();
                if !Uuid::try_parse_ascii(key).is_ok_and(|id| unreadable.contains_key(&id)) {
                    return;
                }
            }
            report.events += 1;
            let Ok(envelope) = Envelope::from_wire_bytes(message.payload().unwrap_or_default())
            else {
                report.undecodable += 1;
                tracing::error!(
                    topic = source.topic,
                    partition = source.partition,
                    offset,
                    "undecodable record in the events topic; skipped during restore"
                );
                return;
            };
            let fingerprint = record::fingerprint_of(message.headers());
            match apply(
                &mut table,
                &envelope,
                offset,
                fingerprint,
                source.keys_since,
            ) {
                Applied::Folded => {
                    replayed.insert(envelope.stream_id);
                }
                Applied::Undecodable => {
                    replayed.insert(envelope.stream_id);
                    report.undecodable += 1;
                }
                Applied::AlreadyInSnapshot => {}
            }
        },
    )?;
    report.replayed = replayed.into_iter().collect();
    report.elapsed = started.elapsed();
    Ok((table, report))
}

/// The key claims of the source's partition (see `key_claims`), without
/// those recorded before `source.keys_since`.
pub fn restore_claims(
    source: &RestoreSource<'_>,
    keys_topic: &str,
    should_stop: impl Fn() -> bool,
) -> Result<KeyClaims, KafkaError> {
    let mut claims = KeyClaims::default();
    read_to_end(
        source.brokers,
        keys_topic,
        source.partition,
        Offset::Beginning,
        &should_stop,
        |message| {
            let Some(payload) = message.payload() else {
                // A release's tombstone.
                let key = String::from_utf8_lossy(message.key().unwrap_or_default());
                claims.remove(key.into_owned());
                return;
            };
            match serde_json::from_slice::<ClaimRecord>(payload) {
                Ok(claim) => claims.insert(
                    claim_key(&claim.tenant_id, &claim.key),
                    claim.stream_id,
                    claim.claimed_at,
                ),
                Err(error) => {
                    tracing::error!(%error, offset = message.offset(), "undecodable key claim; skipped")
                }
            }
        },
    )?;
    claims.expire(source.keys_since);
    Ok(claims)
}

/// Reads one partition read_committed from `start` to its end.
fn read_to_end(
    brokers: &str,
    topic: &str,
    partition: i32,
    start: Offset,
    should_stop: &impl Fn() -> bool,
    mut each: impl FnMut(&BorrowedMessage<'_>),
) -> Result<(), KafkaError> {
    let consumer: BaseConsumer<ReaderContext> = platform::kafka::client_config(brokers)
        .set("group.id", "command-api.restore")
        .set("enable.auto.commit", "false")
        .set("isolation.level", "read_committed")
        .set("enable.partition.eof", "true")
        .set("auto.offset.reset", "earliest")
        .set("fetch.max.bytes", "52428800")
        .set("max.partition.fetch.bytes", "10485760")
        .create_with_context(ReaderContext)?;
    let mut assignment = TopicPartitionList::new();
    assignment.add_partition_offset(topic, partition, start)?;
    consumer.assign(&assignment)?;
    loop {
        if should_stop() {
            return Err(KafkaError::Canceled);
        }
        match consumer.poll(Duration::from_millis(500)) {
            None => continue,
            Some(Err(KafkaError::PartitionEOF(_))) => return Ok(()),
            Some(Err(error)) if is_fatal(&error) => return Err(error),
            // A broker going away (its leadership moves) is the client's to
            // ride out; giving up would restart the restore from scratch.
            Some(Err(error)) => tracing::warn!(%error, topic, partition, "restore consumer error"),
            Some(Ok(message)) => each(&message),
        }
    }
}

/// Errors a restore cannot ride out: the partition itself is gone or forbidden.
fn is_fatal(error: &KafkaError) -> bool {
    use rdkafka::types::RDKafkaErrorCode as Code;
    matches!(
        error.rdkafka_error_code(),
        Some(
            Code::UnknownTopicOrPartition
                | Code::UnknownTopic
                | Code::UnknownPartition
                | Code::TopicAuthorizationFailed
                | Code::GroupAuthorizationFailed
        )
    )
}

enum Applied {
    Folded,
    Undecodable,
    /// An event the stream's snapshot already includes.
    AlreadyInSnapshot,
}

/// Folds one committed event into the table.
fn apply<A: Aggregate>(
    table: &mut StreamTable<A>,
    envelope: &Envelope,
    offset: i64,
    fingerprint: Option<String>,
    keys_since: Option<DateTime<Utc>>,
) -> Applied {
    let stream = table.stream_mut(envelope.stream_id);
    if stream.version >= envelope.version && stream.first_record.is_some() {
        return Applied::AlreadyInSnapshot;
    }
    // A stream belongs to the tenant of its first event, for good.
    if stream.tenant.is_none() {
        stream.tenant = Some(envelope.tenant_id.clone());
    }
    // The version always advances, so a later append can never reuse it.
    stream.version = stream.version.max(envelope.version);
    stream
        .first_record
        .get_or_insert(RecordRef::Committed(offset));
    stream.last_record = Some(RecordRef::Committed(offset));
    let applied = match envelope.decode::<A::Event>() {
        Ok(event) => {
            stream.aggregate = std::mem::take(&mut stream.aggregate).evolve(&event);
            Applied::Folded
        }
        Err(error) => {
            tracing::error!(%error, stream_id = %envelope.stream_id, version = envelope.version, "event could not be decoded during restore");
            Applied::Undecodable
        }
    };
    if let Some(fingerprint) = fingerprint
        && keys_since.is_none_or(|since| envelope.occurred_at >= since)
    {
        stream.record_command(
            RecordedCommand {
                key: envelope.command_id.clone(),
                fingerprint,
                version: envelope.version,
                last_record: RecordRef::Committed(offset),
                created: envelope.version == 1,
                recorded_at: envelope.occurred_at,
            },
            keys_since,
        );
    }
    applied
}
