//! Rebuilding a partition's streams into the state store: first from the
//! compacted state topic (one snapshot per stream; only what follows the
//! store's checkpoint when this instance restored the partition before),
//! then from the events partition's tail that no snapshot covers yet. Runs after `init_transactions()`, when no other
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

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use events::{Aggregate, Envelope, SNAPSHOT_FORMAT, Snapshot, SnapshotHead};
use platform::kafka::ReaderContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{BorrowedMessage, Message};
use rdkafka::{Offset, TopicPartitionList};
use uuid::Uuid;

use super::key_claims::{ClaimRecord, KeyClaims, claim_key};
use super::record;
use super::snapshot::{from_snapshot, to_stored};
use super::state_store::{Checkpoint, StateStore, StateStoreError, StoreWrite};
use super::stream_table::{RecordRef, RecordedCommand, StreamState, StreamTable};

pub struct RestoreReport {
    pub snapshots: u64,
    pub events: u64,
    pub undecodable: u64,
    /// Streams folded from events, which have no current snapshot yet.
    pub replayed: Vec<Uuid>,
    /// Whether the state store's checkpoint was used (only the state topic's tail was read).
    pub resumed: bool,
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

#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error(transparent)]
    Kafka(#[from] KafkaError),
    #[error(transparent)]
    Store(#[from] StateStoreError),
}

/// Stored streams written per state store transaction while restoring.
const STORE_BATCH: usize = 10_000;

/// Brings `table` (its store) up to the end of both topics.
pub fn restore<A: Aggregate>(
    source: &RestoreSource<'_>,
    table: &mut StreamTable<A>,
    should_stop: impl Fn() -> bool,
) -> Result<RestoreReport, RestoreError> {
    let started = Instant::now();
    let mut report = RestoreReport {
        snapshots: 0,
        events: 0,
        undecodable: 0,
        replayed: Vec::new(),
        resumed: false,
        elapsed: Duration::ZERO,
    };
    let ends = partition_ends(source)?;
    let identity = store_identity::<A>(&ends.cluster_id, source.topic);
    let checkpoint = usable_checkpoint(table.store(), table.partition(), &identity, &ends)?;
    report.resumed = checkpoint.is_some();
    let mut state_offset = checkpoint.as_ref().map_or(-1, |c| c.state_offset);
    let mut covered: Option<i64> = checkpoint.as_ref().and_then(|c| c.covered);
    let mut writes = PendingWrites::default();

    // Streams whose snapshot is unreadable, with the offset of their first event.
    let mut unreadable: HashMap<Uuid, i64> = HashMap::new();
    let mut store_error: Option<StateStoreError> = None;
    read_to_end(
        source.brokers,
        source.state_topic,
        source.partition,
        Offset::Offset(state_offset + 1),
        &should_stop,
        |message| {
            report.snapshots += 1;
            state_offset = message.offset();
            let payload = message.payload().unwrap_or_default();
            match Snapshot::from_bytes(payload).and_then(|s| Ok((from_snapshot::<A>(&s)?, s))) {
                Ok((stream, snapshot)) => {
                    covered = covered.max(Some(snapshot.last_offset));
                    unreadable.remove(&snapshot.stream_id);
                    writes.put(snapshot.stream_id, payload.to_vec());
                    table.cache(snapshot.stream_id, stream);
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
                        writes.forget(stream_id);
                        table.uncache(stream_id);
                    }
                }
            }
            if writes.len() >= STORE_BATCH
                && let Err(error) = writes.flush(table)
            {
                store_error.get_or_insert(error);
            }
        },
    )?;
    if let Some(error) = store_error.take() {
        return Err(error.into());
    }
    writes.flush(table)?;

    let tail_start = match covered {
        None => 0,
        Some(last) => last + 1,
    };
    let replay_start = unreadable.values().copied().fold(tail_start, i64::min);
    let mut folding = Folding::<A>::default();
    let mut last_event: Option<i64> = None;
    read_to_end(
        source.brokers,
        source.topic,
        source.partition,
        Offset::Offset(replay_start),
        &should_stop,
        |message| {
            let offset = message.offset();
            last_event = last_event.max(Some(offset));
            if offset < tail_start {
                // Before the tail only the streams without a readable snapshot matter.
                let key = message.key().unwrap_or_default();
                if !Uuid::try_parse_ascii(key).is_ok_and(|id| unreadable.contains_key(&id)) {
                    return;
                }
            }
            if store_error.is_some() {
                return;
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
            let applied = folding
                .stream_mut(table, envelope.stream_id)
                .map(|stream| apply(stream, &envelope, offset, fingerprint, source.keys_since));
            match applied {
                Ok(Applied::Folded) => folding.replayed(envelope.stream_id),
                Ok(Applied::Undecodable) => {
                    folding.replayed(envelope.stream_id);
                    report.undecodable += 1;
                }
                Ok(Applied::AlreadyInSnapshot) => {}
                Err(error) => {
                    store_error.get_or_insert(error);
                }
            }
            if folding.len() >= STORE_BATCH
                && let Err(error) = folding.flush(table)
            {
                store_error.get_or_insert(error);
            }
        },
    )?;
    if let Some(error) = store_error {
        return Err(error.into());
    }
    folding.flush(table)?;

    // From here on a restart of this instance reads only what follows.
    let covered = covered.max(last_event);
    table.restored(identity, covered);
    let done = StoreWrite {
        checkpoint: Some(table.checkpoint(state_offset)),
        ..StoreWrite::default()
    };
    table.store().write(table.partition(), &done)?;
    // Every stream folded from events, now or by an earlier restore that
    // stopped before its backfill.
    report.replayed = table.store().owed_snapshots(table.partition())?;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// What a store checkpoint must name to belong to this cluster's topic,
/// snapshot format and aggregate state version.
pub(super) fn store_identity<A: Aggregate>(cluster_id: &str, topic: &str) -> String {
    format!(
        "cluster {cluster_id} topic {topic} snapshot format {SNAPSHOT_FORMAT} {} state {}",
        A::STREAM_TYPE,
        A::STATE_VERSION
    )
}

pub(super) struct PartitionEnds {
    pub cluster_id: String,
    /// The offsets the next records of each topic's partition will get.
    state_end: i64,
    events_end: i64,
}

pub(super) fn partition_ends(source: &RestoreSource<'_>) -> Result<PartitionEnds, KafkaError> {
    let consumer: BaseConsumer<ReaderContext> = platform::kafka::client_config(source.brokers)
        .set("group.id", "command-api.restore")
        .create_with_context(ReaderContext)?;
    let timeout = Duration::from_secs(10);
    let (_, state_end) =
        consumer.fetch_watermarks(source.state_topic, source.partition, timeout)?;
    let (_, events_end) = consumer.fetch_watermarks(source.topic, source.partition, timeout)?;
    let cluster_id =
        consumer
            .client()
            .fetch_cluster_id(timeout)
            .ok_or(KafkaError::MetadataFetch(
                rdkafka::types::RDKafkaErrorCode::BrokerTransportFailure,
            ))?;
    Ok(PartitionEnds {
        cluster_id,
        state_end,
        events_end,
    })
}

/// The store's checkpoint when its data is this partition's and no newer
/// than the topics; otherwise the partition's data is wiped.
pub(super) fn usable_checkpoint(
    store: &StateStore,
    partition: i32,
    identity: &str,
    ends: &PartitionEnds,
) -> Result<Option<Checkpoint>, StateStoreError> {
    let stale = match store.checkpoint(partition)? {
        None => "no checkpoint",
        Some(checkpoint) if checkpoint.identity != identity => {
            "another cluster, topic or snapshot format"
        }
        Some(checkpoint) if checkpoint.state_offset >= ends.state_end => {
            "its checkpoint is past the state topic's end (topic recreated?)"
        }
        Some(checkpoint) if checkpoint.covered.is_some_and(|c| c >= ends.events_end) => {
            "it covers events past the events topic's end (topic recreated?)"
        }
        Some(checkpoint) => return Ok(Some(checkpoint)),
    };
    tracing::info!(
        partition,
        reason = stale,
        "state store restored from the beginning"
    );
    store.wipe(partition)?;
    Ok(None)
}

/// Snapshots read from the state topic, on their way to the store.
#[derive(Default)]
struct PendingWrites {
    write: StoreWrite,
}

impl PendingWrites {
    fn len(&self) -> usize {
        self.write.streams.len()
    }

    fn put(&mut self, stream_id: Uuid, value: Vec<u8>) {
        self.write.streams.push((stream_id, Some(value)));
    }

    fn forget(&mut self, stream_id: Uuid) {
        self.write.streams.push((stream_id, None));
    }

    fn flush<A: Aggregate>(&mut self, table: &StreamTable<A>) -> Result<(), StateStoreError> {
        if self.write.is_empty() {
            return Ok(());
        }
        let write = std::mem::take(&mut self.write);
        table.store().write(table.partition(), &write)
    }
}

/// Streams being folded from the events tail, written to the store (and
/// marked as owing a snapshot) in batches.
struct Folding<A> {
    streams: HashMap<Uuid, StreamState<A>>,
    replayed: HashSet<Uuid>,
}

impl<A> Default for Folding<A> {
    fn default() -> Self {
        Self {
            streams: HashMap::new(),
            replayed: HashSet::new(),
        }
    }
}

impl<A: Aggregate> Folding<A> {
    fn len(&self) -> usize {
        self.streams.len()
    }

    fn stream_mut(
        &mut self,
        table: &StreamTable<A>,
        stream_id: Uuid,
    ) -> Result<&mut StreamState<A>, StateStoreError> {
        match self.streams.entry(stream_id) {
            Entry::Occupied(entry) => Ok(entry.into_mut()),
            Entry::Vacant(entry) => Ok(entry.insert(table.get(stream_id)?.unwrap_or_default())),
        }
    }

    fn replayed(&mut self, stream_id: Uuid) {
        self.replayed.insert(stream_id);
    }

    fn flush(&mut self, table: &mut StreamTable<A>) -> Result<(), StateStoreError> {
        let mut write = StoreWrite::default();
        for (stream_id, stream) in &self.streams {
            write
                .streams
                .push((*stream_id, Some(to_stored(*stream_id, stream)?)));
        }
        write.owed = self.replayed.drain().collect();
        if !write.is_empty() {
            table.store().write(table.partition(), &write)?;
        }
        for (stream_id, stream) in self.streams.drain() {
            table.cache(stream_id, stream);
        }
        Ok(())
    }
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
    let consumer = committed_reader(brokers, topic, partition, start)?;
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

/// A consumer of one partition's committed records from `start`, which
/// reports the partition's end.
pub(super) fn committed_reader(
    brokers: &str,
    topic: &str,
    partition: i32,
    start: Offset,
) -> Result<BaseConsumer<ReaderContext>, KafkaError> {
    let consumer: BaseConsumer<ReaderContext> = platform::kafka::client_config(brokers)
        .set("group.id", "command-api.restore")
        .set("enable.auto.commit", "false")
        .set("isolation.level", "read_committed")
        .set("enable.partition.eof", "true")
        .set("auto.offset.reset", "earliest")
        // Every partition restores at once, each with its own consumer; with
        // librdkafka's defaults (a 64 MB prefetch queue each) the buffers of
        // a takeover would outweigh the state it restores.
        .set("fetch.max.bytes", "4194304")
        .set("max.partition.fetch.bytes", "2097152")
        .set("queued.max.messages.kbytes", "4096")
        .create_with_context(ReaderContext)?;
    let mut assignment = TopicPartitionList::new();
    assignment.add_partition_offset(topic, partition, start)?;
    consumer.assign(&assignment)?;
    Ok(consumer)
}

/// Errors a restore cannot ride out: the partition itself is gone or forbidden.
pub(super) fn is_fatal(error: &KafkaError) -> bool {
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

/// Folds one committed event into its stream.
fn apply<A: Aggregate>(
    stream: &mut StreamState<A>,
    envelope: &Envelope,
    offset: i64,
    fingerprint: Option<String>,
    keys_since: Option<DateTime<Utc>>,
) -> Applied {
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
