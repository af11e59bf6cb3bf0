//! Cutting the stream into batches: up to `max_records`, or whatever arrived
//! within `max_wait` of the batch's first record.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use rdkafka::Message;
use rdkafka::consumer::BaseConsumer;
use rdkafka::message::BorrowedMessage;
use read_model::parked::RawRecord;

use super::context::ProjectorContext;
use super::state::WorkerState;
use crate::config::BatchSettings;
use crate::projection::{Decoded, Failure, Projection};
use crate::raw_record;

/// How long a poll waits when no batch is open, so the worker still checks
/// for shutdown and does its housekeeping.
const IDLE_POLL: Duration = Duration::from_millis(100);

#[derive(Debug)]
pub struct Batch<E> {
    pub records: Vec<Decoded<E>>,
    /// Records that could not be decoded: they are parked.
    pub undecodable: Vec<Failure>,
    /// Every record's key, value and headers as read, by (partition, offset),
    /// for parking it if it cannot be applied (absent for batches built
    /// without a consumer, e.g. in tests).
    pub raw: HashMap<(i32, i64), RawRecord>,
    /// The assignment generation each partition's records were fetched under.
    pub generations: BTreeMap<i32, u64>,
}

impl<E> Default for Batch<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Batch<E> {
    pub fn new() -> Self {
        Self {
            records: Vec::new(),
            undecodable: Vec::new(),
            raw: HashMap::new(),
            generations: BTreeMap::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty() && self.undecodable.is_empty()
    }

    /// Adds a record fetched under assignment `generation`.
    pub fn push(&mut self, record: Decoded<E>, generation: u64) {
        self.generations.insert(record.partition, generation);
        self.records.push(record);
    }

    /// The partitions with records, ascending.
    pub fn partitions(&self) -> Vec<i32> {
        self.generations.keys().copied().collect()
    }

    /// Leaves out the records of `partitions`.
    pub fn drop_partitions(&mut self, partitions: &[i32]) {
        self.records
            .retain(|record| !partitions.contains(&record.partition));
        self.undecodable
            .retain(|failure| !partitions.contains(&failure.partition));
        self.raw
            .retain(|(partition, _), _| !partitions.contains(partition));
        self.generations
            .retain(|partition, _| !partitions.contains(partition));
    }
}

pub fn collect<P: Projection>(
    consumer: &BaseConsumer<ProjectorContext>,
    projection: &P,
    state: &WorkerState,
    settings: BatchSettings,
    stopping: impl Fn() -> bool,
) -> Batch<P::Event> {
    let mut batch = Batch::new();
    let mut deadline: Option<Instant> = None;
    loop {
        let timeout = match deadline {
            None => IDLE_POLL,
            Some(deadline) => deadline.saturating_duration_since(Instant::now()),
        };
        match consumer.poll(timeout) {
            Some(Ok(message)) => {
                deadline.get_or_insert_with(|| Instant::now() + settings.max_wait);
                take(projection, state, &message, &mut batch);
                if batch.records.len() + batch.undecodable.len() >= settings.max_records {
                    break;
                }
            }
            Some(Err(error)) => tracing::warn!(%error, "consumer error"),
            None if deadline.is_none() => break,
            None => {}
        }
        if deadline.is_some_and(|deadline| Instant::now() >= deadline) || stopping() {
            break;
        }
    }
    batch
}

/// Adds one fetched record to the batch, unless its partition is no longer
/// ours or the batch already had it. A record that cannot be decoded goes in
/// too: it is parked with the batch.
fn take<P: Projection>(
    projection: &P,
    state: &WorkerState,
    message: &BorrowedMessage<'_>,
    batch: &mut Batch<P::Event>,
) {
    let partition = message.partition();
    let offset = message.offset();
    {
        let mut partitions = state.lock();
        let Some(partition_state) = partitions.assigned.get_mut(&partition) else {
            return;
        };
        if offset < partition_state.fetched_next {
            return;
        }
        partition_state.fetched_next = offset + 1;
        batch
            .generations
            .insert(partition, partition_state.generation);
    }
    batch
        .raw
        .insert((partition, offset), raw_record::of(message));
    match projection.decode(message.payload()) {
        Ok(event) => batch.records.push(Decoded {
            partition,
            offset,
            event,
        }),
        Err(reason) => batch.undecodable.push(Failure {
            partition,
            offset,
            reason: format!("cannot be decoded: {reason}"),
        }),
    }
}
