//! One thread per owned partition. It fences older writers, restores, then
//! turns queued commands into transactions: decide the whole batch against an
//! overlay, produce, commit, and only then apply the overlay and reply.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use events::{Aggregate, Command};
use platform::position::Position;
use rdkafka::error::KafkaError;
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};

use super::batch::{self, Decision, PendingRecord};
use super::delivery::DeliveryLog;
use super::polled_producer::PolledProducer;
use super::record;
use super::restore::restore;
use super::stream_table::{Overlay, StreamTable};
use super::value_format::{UnregisteredEvent, ValueFormat};
use super::{CommandOutcome, CommandRequest};
use crate::rejection::Rejection;

type TransactionalProducer = PolledProducer;

#[derive(Debug, Clone)]
pub struct WriterSettings {
    pub brokers: String,
    pub topic: String,
    pub group_id: String,
    pub transaction_timeout: Duration,
    pub batch_max: usize,
    /// Plain JSON, or framed with the schema ids registered at start.
    pub value_format: ValueFormat,
}

/// How the rest of the service talks to a running writer.
pub struct WriterHandle<A: Aggregate> {
    pub partition: i32,
    sender: mpsc::Sender<CommandRequest<A>>,
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
        self.sender.send(request).map_err(|failed| failed.0)
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
    receiver: mpsc::Receiver<CommandRequest<A>>,
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
        while let Ok(request) = self.receiver.try_recv() {
            let _ = request
                .reply
                .send(Err(Rejection::Unavailable { partition }));
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
        let (mut table, report) =
            restore::<A>(&settings.brokers, &settings.topic, self.partition, || {
                self.should_stop()
            })
            .map_err(|error| match error {
                KafkaError::Canceled => WriterExit::Stopped,
                other => WriterExit::Kafka(other),
            })?;
        metrics::histogram!("command_api_restore_duration_seconds")
            .record(started.elapsed().as_secs_f64());
        tracing::info!(
            partition = self.partition,
            records = report.records,
            undecodable = report.undecodable,
            streams = table.stream_count(),
            elapsed_ms = report.elapsed.as_millis() as u64,
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
            self.write_batch(&producer, &mut table, requests)?;
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
    /// replies. A failed transaction answers the whole batch `Unavailable` and keeps
    /// the table as it was; an unrecoverable one ends the writer.
    fn write_batch(
        &self,
        producer: &TransactionalProducer,
        table: &mut StreamTable<A>,
        requests: Vec<CommandRequest<A>>,
    ) -> Result<(), WriterExit> {
        let mut overlay = Overlay::<A>::default();
        let mut records: Vec<PendingRecord> = Vec::new();
        let mut decided = Vec::with_capacity(requests.len());
        for request in requests {
            match batch::decide(table, &mut overlay, &request, &mut records) {
                Ok(decision) => decided.push((request, decision)),
                Err(rejection) => {
                    count(&request, rejection.metric_label());
                    let _ = request.reply.send(Err(rejection));
                }
            }
        }

        let payloads = match self.encode(&records) {
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
        let offsets = if records.is_empty() {
            Vec::new()
        } else {
            metrics::histogram!("command_api_transaction_batch_size").record(records.len() as f64);
            match self.append(producer, &records, &payloads) {
                Ok(offsets) => offsets,
                Err(error) => {
                    for (request, _) in decided {
                        count(&request, "unavailable");
                        let _ = request.reply.send(Err(Rejection::Unavailable {
                            partition: self.partition,
                        }));
                    }
                    return self.recover(producer, error);
                }
            }
        };

        for (request, decision) in decided {
            let outcome = self.outcome(&request, decision, &offsets);
            count(&request, if outcome.replayed { "replayed" } else { "ok" });
            let _ = request.reply.send(Ok(outcome));
        }
        table.merge(overlay, &offsets);
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
    fn encode(&self, records: &[PendingRecord]) -> Result<Vec<Vec<u8>>, UnregisteredEvent> {
        records
            .iter()
            .map(|pending| self.settings.value_format.encode(&pending.envelope))
            .collect()
    }

    /// Produces the records in one transaction and returns their offsets once committed.
    fn append(
        &self,
        producer: &TransactionalProducer,
        records: &[PendingRecord],
        payloads: &[Vec<u8>],
    ) -> Result<Vec<i64>, KafkaError> {
        let content_type = self.settings.value_format.content_type();
        producer.context().expect(records.len());
        producer.begin_transaction()?;
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
            .wait_all(self.settings.transaction_timeout)
        {
            return Err(KafkaError::Canceled);
        }
        let offsets = producer.context().offsets()?;
        wait_until_released(producer);
        producer.commit_transaction(self.settings.transaction_timeout)?;
        Ok(offsets)
    }

    /// After a failed transaction: abort it when Kafka allows, else give up
    /// the partition so a fresh writer restores the truth from the log.
    fn recover(
        &self,
        producer: &TransactionalProducer,
        error: KafkaError,
    ) -> Result<(), WriterExit> {
        tracing::warn!(partition = self.partition, %error, "transaction failed");
        let abortable = matches!(&error, KafkaError::Transaction(e) if e.txn_requires_abort())
            || !matches!(&error, KafkaError::Transaction(_));
        if abortable
            && producer
                .abort_transaction(self.settings.transaction_timeout)
                .is_ok()
        {
            return Ok(());
        }
        Err(WriterExit::Kafka(error))
    }
}

/// Delivered records are released by the producer's polling thread just
/// after their report; committing before that would cost 100 ms (see `delivery`).
fn wait_until_released(producer: &TransactionalProducer) {
    let deadline = Instant::now() + Duration::from_millis(100);
    while producer.in_flight_count() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_micros(50));
    }
}

fn count<A: Aggregate>(request: &CommandRequest<A>, outcome: &'static str) {
    metrics::counter!(
        "command_api_commands_total",
        "command" => request.command.name(),
        "outcome" => outcome
    )
    .increment(1);
}
