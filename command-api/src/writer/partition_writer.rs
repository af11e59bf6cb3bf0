//! One thread per owned partition. It fences older writers, restores, then
//! turns queued commands into transactions: decide the whole batch against an
//! overlay, produce the events and then the snapshot of every stream they
//! changed, commit both at once, and only then apply the overlay and reply.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use events::{Aggregate, Command, Snapshot};
use platform::position::Position;
use rdkafka::error::KafkaError;
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};

use super::batch::{self, Decision, PendingRecord};
use super::delivery::DeliveryLog;
use super::key_claims::{ClaimRequest, ClaimWrite, KeyClaims, decide_claim};
use super::polled_producer::PolledProducer;
use super::record;
use super::restore::{RestoreError, RestoreSource, restore};
use super::snapshot::to_snapshot;
use super::state_store::{StateStore, StateStoreError};
use super::stream_table::{Overlay, StreamState, StreamTable};
use super::value_format::{UnregisteredEvent, ValueFormat};
use super::{CommandOutcome, CommandRequest, WriterRequest};
use crate::rejection::Rejection;

type TransactionalProducer = PolledProducer;

#[derive(Debug, Clone)]
pub struct WriterSettings {
    pub brokers: String,
    pub topic: String,
    /// The compacted topic of the streams' snapshots, partitioned like `topic`.
    pub state_topic: String,
    /// The topic of idempotency key claims, partitioned like `topic`.
    pub keys_topic: String,
    pub group_id: String,
    pub transaction_timeout: Duration,
    pub batch_max: usize,
    /// Plain JSON, or framed with the schema ids registered at start.
    pub value_format: ValueFormat,
    /// How long an `Idempotency-Key` is remembered; `None`: for good.
    pub key_retention: Option<Duration>,
    /// This instance's on-disk copy of the topic's stream state.
    pub store: Arc<StateStore>,
    /// Streams each partition keeps in memory (`COMMAND_STATE_CACHE_STREAMS`).
    pub cache_streams: usize,
}

impl WriterSettings {
    /// Keys recorded before this instant are forgotten.
    fn keys_since(&self) -> Option<DateTime<Utc>> {
        let retention = chrono::Duration::from_std(self.key_retention?).ok()?;
        Utc::now().checked_sub_signed(retention)
    }
}

/// Snapshots written per transaction when a restore replayed many streams.
const BACKFILL_CHUNK: usize = 2_000;

/// How the rest of the service talks to a running writer.
pub struct WriterHandle<A: Aggregate> {
    pub partition: i32,
    sender: mpsc::Sender<WriterRequest<A>>,
    ready: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl<A: Aggregate> WriterHandle<A> {
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    pub fn is_running(&self) -> bool {
        self.thread
            .as_ref()
            .is_some_and(|thread| !thread.is_finished())
    }

    /// Queues a command; gives it back when the writer has gone.
    #[allow(clippy::result_large_err)]
    pub fn submit(&self, request: CommandRequest<A>) -> Result<(), CommandRequest<A>> {
        self.sender
            .send(WriterRequest::Command(request))
            .map_err(|failed| match failed.0 {
                WriterRequest::Command(request) => request,
                WriterRequest::Claim(_) => unreachable!("a command was sent"),
            })
    }

    /// Queues a key claim; gives it back when the writer has gone.
    pub fn claim(&self, request: ClaimRequest) -> Result<(), ClaimRequest> {
        self.sender
            .send(WriterRequest::Claim(request))
            .map_err(|failed| match failed.0 {
                WriterRequest::Claim(request) => request,
                WriterRequest::Command(_) => unreachable!("a claim was sent"),
            })
    }

    /// Asks the writer to finish its batch in flight and stop, and waits for it.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub struct PartitionWriter<A: Aggregate> {
    partition: i32,
    settings: WriterSettings,
    receiver: mpsc::Receiver<WriterRequest<A>>,
    ready: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

/// Why a writer gave up its partition.
#[derive(Debug, thiserror::Error)]
enum WriterExit {
    #[error("asked to stop")]
    Stopped,
    #[error("Kafka error: {0}")]
    Kafka(#[from] KafkaError),
    #[error("cannot start the producer's polling thread: {0}")]
    Thread(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StateStoreError),
}

impl<A: Aggregate> PartitionWriter<A> {
    pub fn spawn(partition: i32, settings: WriterSettings) -> WriterHandle<A> {
        let (sender, receiver) = mpsc::channel();
        let ready = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let writer = PartitionWriter {
            partition,
            settings,
            receiver,
            ready: ready.clone(),
            stop: stop.clone(),
        };
        let thread = std::thread::Builder::new()
            .name(format!("writer-{partition}"))
            .spawn(move || writer.run())
            .expect("spawning a partition writer thread");
        WriterHandle {
            partition,
            sender,
            ready,
            stop,
            thread: Some(thread),
        }
    }

    fn run(self) {
        let partition = self.partition;
        match self.serve() {
            Ok(()) | Err(WriterExit::Stopped) => {
                tracing::info!(partition, "partition writer stopped")
            }
            Err(error) => tracing::warn!(partition, %error, "partition writer lost its partition"),
        }
        self.ready.store(false, Ordering::Release);
        // Whatever is still queued goes back to its caller, who re-routes it.
        let unavailable = Rejection::Unavailable { partition };
        while let Ok(request) = self.receiver.try_recv() {
            match request {
                WriterRequest::Command(request) => {
                    let _ = request.reply.send(Err(unavailable.clone()));
                }
                WriterRequest::Claim(request) => {
                    let _ = request.reply.send(Err(unavailable.clone()));
                }
            }
        }
    }

    fn should_stop(&self) -> bool {
        self.stop.load(Ordering::Acquire)
    }

    fn serve(&self) -> Result<(), WriterExit> {
        let settings = &self.settings;
        let transactional_id = format!(
            "{}.{}.{}",
            settings.group_id, settings.topic, self.partition
        );
        let producer: BaseProducer<DeliveryLog> = platform::kafka::client_config(&settings.brokers)
            .set("transactional.id", &transactional_id)
            .set(
                "transaction.timeout.ms",
                settings.transaction_timeout.as_millis().to_string(),
            )
            .set("linger.ms", "0")
            .set("compression.type", "lz4")
            .create_with_context(DeliveryLog::default())?;
        let producer = PolledProducer::start(producer, format!("reports-{}", self.partition))?;

        // Fences every older producer with this id and aborts its open transaction.
        let started = Instant::now();
        self.retry_until_stopped(|| producer.init_transactions(Duration::from_secs(30)))?;
        let source = RestoreSource {
            brokers: &settings.brokers,
            topic: &settings.topic,
            state_topic: &settings.state_topic,
            partition: self.partition,
            keys_since: settings.keys_since(),
        };
        let mut table = StreamTable::<A>::new(
            self.partition,
            settings.store.clone(),
            settings.cache_streams,
        );
        let report =
            restore::<A>(&source, &mut table, || self.should_stop()).map_err(
                |error| match error {
                    RestoreError::Kafka(KafkaError::Canceled) => WriterExit::Stopped,
                    RestoreError::Kafka(other) => WriterExit::Kafka(other),
                    RestoreError::Store(error) => WriterExit::Store(error),
                },
            )?;
        self.backfill(&producer, &mut table, &report.replayed)?;
        let mut claims =
            super::restore::restore_claims(&source, &settings.keys_topic, || self.should_stop())
                .map_err(|error| match error {
                    KafkaError::Canceled => WriterExit::Stopped,
                    other => WriterExit::Kafka(other),
                })?;
        metrics::histogram!("command_api_restore_duration_seconds")
            .record(started.elapsed().as_secs_f64());
        let topic = settings.topic.clone();
        metrics::counter!("command_api_restore_snapshots_total", "topic" => topic.clone())
            .increment(report.snapshots);
        metrics::counter!("command_api_restore_events_total", "topic" => topic.clone())
            .increment(report.events);
        metrics::counter!("command_api_snapshots_backfilled_total", "topic" => topic)
            .increment(report.replayed.len() as u64);
        tracing::info!(
            partition = self.partition,
            snapshots = report.snapshots,
            events = report.events,
            undecodable = report.undecodable,
            backfilled = report.replayed.len(),
            key_claims = claims.len(),
            resumed = report.resumed,
            cached = table.cached_count(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "partition restored"
        );
        self.ready.store(true, Ordering::Release);

        while !self.should_stop() {
            let first = match self.receiver.recv_timeout(Duration::from_millis(100)) {
                Ok(request) => request,
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            };
            let mut requests = vec![first];
            while requests.len() < settings.batch_max {
                match self.receiver.try_recv() {
                    Ok(request) => requests.push(request),
                    Err(_) => break,
                }
            }
            self.write_batch(&producer, &mut table, &mut claims, requests)?;
        }
        Err(WriterExit::Stopped)
    }

    fn retry_until_stopped(
        &self,
        mut operation: impl FnMut() -> Result<(), KafkaError>,
    ) -> Result<(), WriterExit> {
        loop {
            match operation() {
                Ok(()) => return Ok(()),
                Err(error) if self.should_stop() => return Err(error.into()),
                Err(KafkaError::Transaction(error)) if error.is_retriable() => {
                    tracing::warn!(partition = self.partition, %error, "retrying");
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(error) => return Err(error.into()),
            }
        }
    }

    /// Decides every request, appends their events in one transaction and
    /// replies. A failed transaction answers the whole batch `Unavailable`
    /// (aborted) or `OutcomeUnknown` (the writer gives up), and keeps
    /// the table as it was; an unrecoverable one ends the writer.
    fn write_batch(
        &self,
        producer: &TransactionalProducer,
        table: &mut StreamTable<A>,
        claims: &mut KeyClaims,
        requests: Vec<WriterRequest<A>>,
    ) -> Result<(), WriterExit> {
        let mut overlay = Overlay::<A>::default();
        let mut records: Vec<PendingRecord> = Vec::new();
        let mut decided = Vec::with_capacity(requests.len());
        let keys_since = self.settings.keys_since();
        let mut pending_claims = KeyClaims::default();
        let mut claim_records = Vec::new();
        let mut claimed = Vec::new();
        let mut commands = Vec::with_capacity(requests.len());
        for request in requests {
            match request {
                WriterRequest::Command(command) => commands.push(command),
                WriterRequest::Claim(claim) => decide_claim(
                    claims,
                    &mut pending_claims,
                    claim,
                    keys_since,
                    &mut claim_records,
                    &mut claimed,
                ),
            }
        }
        if let Err(error) = table.load(commands.iter().map(|command| command.stream_id)) {
            for request in commands {
                count(&request, "unavailable");
                let _ = request.reply.send(Err(Rejection::Unavailable {
                    partition: self.partition,
                }));
            }
            for (claim, _) in claimed {
                let _ = claim.reply.send(Err(Rejection::Unavailable {
                    partition: self.partition,
                }));
            }
            return Err(error.into());
        }
        for request in commands {
            match batch::decide(table, &mut overlay, &request, keys_since, &mut records) {
                Ok(decision) => decided.push((request, decision)),
                Err(rejection) => {
                    count(&request, rejection.metric_label());
                    let _ = request.reply.send(Err(rejection));
                }
            }
        }

        let payloads = match self.encode(&records, &overlay) {
            Ok(payloads) => payloads,
            Err(error) => {
                // Nothing was produced and the table is untouched: the batch fails alone.
                tracing::error!(partition = self.partition, %error, "cannot encode an event");
                for (request, _) in decided {
                    count(&request, "internal");
                    let _ = request
                        .reply
                        .send(Err(Rejection::Internal(error.to_string())));
                }
                return Ok(());
            }
        };
        let offsets = if records.is_empty() && claim_records.is_empty() {
            Vec::new()
        } else {
            metrics::histogram!("command_api_transaction_batch_size").record(records.len() as f64);
            match self.append(producer, &records, &payloads, &claim_records, &overlay) {
                Ok(offsets) => offsets,
                Err(error) => {
                    // Aborted: nothing was appended and the batch may be
                    // retried; otherwise no one can tell, and only the client
                    // may retry (safely, with an Idempotency-Key).
                    let recovery = self.recover(producer, error);
                    let partition = self.partition;
                    let (rejection, label) = match &recovery {
                        Recovery::Aborted | Recovery::Fenced(_) => {
                            (Rejection::Unavailable { partition }, "unavailable")
                        }
                        Recovery::Unknown(_) => {
                            (Rejection::OutcomeUnknown { partition }, "outcome_unknown")
                        }
                    };
                    for (request, _) in decided {
                        count(&request, label);
                        let _ = request.reply.send(Err(rejection.clone()));
                    }
                    for (claim, _) in claimed {
                        let _ = claim.reply.send(Err(rejection.clone()));
                    }
                    return match recovery {
                        Recovery::Aborted => Ok(()),
                        Recovery::Fenced(error) | Recovery::Unknown(error) => {
                            Err(WriterExit::Kafka(error))
                        }
                    };
                }
            }
        };
        claims.merge(pending_claims);
        claims.expire(keys_since);
        for (claim, newly_claimed) in claimed {
            let _ = claim.reply.send(Ok(newly_claimed));
        }

        for (request, decision) in decided {
            let outcome = self.outcome(&request, decision, &offsets);
            count(&request, if outcome.replayed { "replayed" } else { "ok" });
            let _ = request.reply.send(Ok(outcome));
        }
        // Only now, committed, may the batch reach the store.
        let state_offset = producer
            .context()
            .last_offset_from(records.len() + claim_records.len());
        table.merge(overlay, &offsets, state_offset)?;
        Ok(())
    }

    /// Writes the snapshots a restore owes: of every stream it folded from
    /// events (a log from before snapshots, or unreadable ones), in
    /// transactions of their own, before the writer serves.
    fn backfill(
        &self,
        producer: &TransactionalProducer,
        table: &mut StreamTable<A>,
        replayed: &[uuid::Uuid],
    ) -> Result<(), WriterExit> {
        for chunk in replayed.chunks(BACKFILL_CHUNK) {
            let snapshots: Vec<Snapshot> = chunk
                .iter()
                .filter_map(|&stream_id| {
                    let stream = table.stream(stream_id)?;
                    snapshot_of(stream_id, &stream).ok()
                })
                .collect();
            producer.context().expect(snapshots.len());
            self.retry_until_stopped(|| {
                producer.begin_transaction()?;
                self.send_snapshots(producer, &snapshots, 0)?;
                self.commit(producer)
            })?;
            if let Some(state_offset) = producer.context().last_offset_from(0) {
                table.backfilled(chunk, state_offset)?;
            }
        }
        if !replayed.is_empty() {
            tracing::info!(
                partition = self.partition,
                streams = replayed.len(),
                "snapshots backfilled"
            );
        }
        Ok(())
    }

    fn outcome(
        &self,
        request: &CommandRequest<A>,
        decision: Decision,
        offsets: &[i64],
    ) -> CommandOutcome {
        let position = |offset: i64| Position {
            topic: self.settings.topic.clone(),
            partition: self.partition,
            offset,
        };
        match decision {
            Decision::Appended {
                version,
                last_record,
                created,
            } => CommandOutcome {
                stream_id: request.stream_id,
                version,
                position: Some(position(offsets[last_record])),
                created,
                replayed: false,
            },
            Decision::Unchanged {
                version,
                last_record,
                created,
                replayed,
            } => CommandOutcome {
                stream_id: request.stream_id,
                version,
                position: last_record.map(|record| position(record.resolve(offsets))),
                created,
                replayed,
            },
        }
    }

    /// The record values of the batch, before any transaction is begun.
    fn encode(
        &self,
        records: &[PendingRecord],
        overlay: &Overlay<A>,
    ) -> Result<Vec<Vec<u8>>, EncodeError> {
        // The snapshots' states are checked here too, so that none can fail mid-transaction.
        for (_, stream) in overlay.streams() {
            Snapshot::of(&stream.aggregate)?;
        }
        Ok(records
            .iter()
            .map(|pending| self.settings.value_format.encode(&pending.envelope))
            .collect::<Result<_, _>>()?)
    }

    /// Produces the records in one transaction and returns their offsets once committed.
    /// The events go first: their offsets are part of the snapshots.
    fn append(
        &self,
        producer: &TransactionalProducer,
        records: &[PendingRecord],
        payloads: &[Vec<u8>],
        claims: &[ClaimWrite],
        overlay: &Overlay<A>,
    ) -> Result<Vec<i64>, KafkaError> {
        let content_type = self.settings.value_format.content_type();
        let touched: Vec<(uuid::Uuid, &StreamState<A>)> = overlay
            .streams()
            .map(|(id, stream)| (*id, stream))
            .collect();
        producer
            .context()
            .expect(records.len() + claims.len() + touched.len());
        producer.begin_transaction()?;
        for (index, (record_key, claim)) in claims.iter().enumerate() {
            let value = claim
                .as_ref()
                .map(|claim| serde_json::to_vec(claim).expect("a claim serializes"));
            let mut record =
                BaseRecord::with_opaque_to(&self.settings.keys_topic, records.len() + index)
                    .partition(self.partition)
                    .key(record_key);
            if let Some(value) = &value {
                record = record.payload(value);
            }
            producer.send(record).map_err(|(error, _)| error)?;
        }
        for (index, (pending, payload)) in records.iter().zip(payloads).enumerate() {
            let key = pending.envelope.stream_id.to_string();
            let record = BaseRecord::with_opaque_to(&self.settings.topic, index)
                .partition(self.partition)
                .key(&key)
                .payload(payload)
                .headers(record::headers(
                    &pending.envelope,
                    content_type,
                    pending.fingerprint.as_deref(),
                ));
            producer.send(record).map_err(|(error, _)| error)?;
        }
        if !producer
            .context()
            .wait_first(records.len(), self.settings.transaction_timeout)
        {
            return Err(KafkaError::Canceled);
        }
        let offsets = producer.context().offsets_of_first(records.len())?;
        let snapshots: Vec<Snapshot> = touched
            .iter()
            .map(|(stream_id, stream)| {
                let state = Snapshot::of(&stream.aggregate).unwrap_or_default();
                to_snapshot(*stream_id, stream, state, &offsets)
            })
            .collect();
        self.send_snapshots(producer, &snapshots, records.len() + claims.len())?;
        self.commit(producer)?;
        Ok(offsets)
    }

    /// Produces snapshots to the state topic's partition of the same number,
    /// the delivery log's slots from `first_slot` on.
    fn send_snapshots(
        &self,
        producer: &TransactionalProducer,
        snapshots: &[Snapshot],
        first_slot: usize,
    ) -> Result<(), KafkaError> {
        for (index, snapshot) in snapshots.iter().enumerate() {
            let key = snapshot.stream_id.to_string();
            let value = snapshot.to_bytes();
            let record = BaseRecord::with_opaque_to(&self.settings.state_topic, first_slot + index)
                .partition(self.partition)
                .key(&key)
                .payload(&value);
            producer.send(record).map_err(|(error, _)| error)?;
        }
        Ok(())
    }

    /// Commits once every record of the transaction is delivered.
    fn commit(&self, producer: &TransactionalProducer) -> Result<(), KafkaError> {
        if !producer
            .context()
            .wait_all(self.settings.transaction_timeout)
        {
            return Err(KafkaError::Canceled);
        }
        producer.context().offsets()?;
        wait_until_released(producer);
        producer.commit_transaction(self.settings.transaction_timeout)
    }

    /// After a failed transaction: abort it when Kafka allows, else give up
    /// the partition so a fresh writer restores the truth from the log.
    fn recover(&self, producer: &TransactionalProducer, error: KafkaError) -> Recovery {
        tracing::warn!(partition = self.partition, %error, "transaction failed");
        if is_fenced(&error) {
            return Recovery::Fenced(error);
        }
        let abortable = matches!(&error, KafkaError::Transaction(e) if e.txn_requires_abort())
            || !matches!(&error, KafkaError::Transaction(_));
        if !abortable {
            return Recovery::Unknown(error);
        }
        match producer.abort_transaction(self.settings.transaction_timeout) {
            Ok(()) => Recovery::Aborted,
            Err(abort_error) if is_fenced(&abort_error) => Recovery::Fenced(abort_error),
            Err(_) => Recovery::Unknown(error),
        }
    }
}

/// What became of a failed transaction.
enum Recovery {
    /// Aborted: nothing was appended, the writer goes on.
    Aborted,
    /// Fenced: a newer writer aborted it, so nothing was appended; this one stops.
    Fenced(KafkaError),
    /// Neither committed nor aborted as far as this writer can tell; it stops.
    Unknown(KafkaError),
}

/// A fenced producer's open transaction was aborted by the new owner's
/// `init_transactions`, so nothing of it was appended. (Only a commit whose
/// answer was lost *and* retried after a takeover could be fenced yet
/// committed; the new owner's restore then has it, so a keyed retry replays.)
fn is_fenced(error: &KafkaError) -> bool {
    use rdkafka::types::RDKafkaErrorCode as Code;
    matches!(
        error.rdkafka_error_code(),
        Some(Code::Fenced | Code::ProducerFenced | Code::InvalidProducerEpoch)
    )
}

/// Delivered records are released by the producer's polling thread just
/// after their report; committing before that would cost 100 ms (see `delivery`).
fn wait_until_released(producer: &TransactionalProducer) {
    let deadline = Instant::now() + Duration::from_millis(100);
    while producer.in_flight_count() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_micros(50));
    }
}

fn snapshot_of<A: Aggregate>(
    stream_id: uuid::Uuid,
    stream: &StreamState<A>,
) -> Result<Snapshot, serde_json::Error> {
    Ok(to_snapshot(
        stream_id,
        stream,
        Snapshot::of(&stream.aggregate)?,
        &[],
    ))
}

/// Why a batch could not be encoded; nothing was produced.
#[derive(Debug, thiserror::Error)]
enum EncodeError {
    #[error(transparent)]
    Unregistered(#[from] UnregisteredEvent),
    #[error("the aggregate's state does not serialize: {0}")]
    State(#[from] serde_json::Error),
}

fn count<A: Aggregate>(request: &CommandRequest<A>, outcome: &'static str) {
    metrics::counter!(
        "command_api_commands_total",
        "command" => request.command.name(),
        "outcome" => outcome
    )
    .increment(1);
}
