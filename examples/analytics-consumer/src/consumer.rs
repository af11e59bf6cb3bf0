use std::collections::HashSet;
use std::time::Duration;

use rdkafka::ClientConfig;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{BorrowedMessage, Message};

use crate::decoder::{DecodeError, EventDecoder};
use crate::event::DecodedEvent;
use crate::settings::Settings;

/// Where a record was, for reporting what could not be decoded.
#[derive(Debug, Clone, Copy)]
pub struct Position {
    pub partition: i32,
    pub offset: i64,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub events: u64,
    pub undecodable: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("Kafka: {0}")]
    Kafka(#[from] KafkaError),
    #[error("{0}")]
    Decoder(#[from] DecodeError),
}

/// Reads `settings.topic` with the group `settings.group_id` and hands every
/// record to `handle`, decoded or with the reason it could not be. Runs until
/// every partition is read to its end when `exit_at_end` (with this process as
/// the group's only member), otherwise forever.
pub fn run(
    settings: &Settings,
    mut handle: impl FnMut(Position, Result<&DecodedEvent, &DecodeError>),
) -> Result<Summary, RunError> {
    let decoder = EventDecoder::new(settings.registry_url.as_deref())?;
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &settings.brokers)
        .set("group.id", &settings.group_id)
        // A group without committed offsets starts at the beginning of the log.
        .set("auto.offset.reset", "earliest")
        // The command API appends in transactions: skip aborted ones.
        .set("isolation.level", "read_committed")
        // At least once: an offset is stored only after its record was handled,
        // and stored offsets are committed in the background.
        .set("enable.auto.offset.store", "false")
        .set(
            "enable.partition.eof",
            if settings.exit_at_end {
                "true"
            } else {
                "false"
            },
        )
        .create()?;
    consumer.subscribe(&[&settings.topic])?;
    let partitions = partition_count(&consumer, &settings.topic)?;

    let mut summary = Summary::default();
    let mut at_end: HashSet<i32> = HashSet::new();
    while !(settings.exit_at_end && at_end.len() == partitions) {
        match consumer.poll(Duration::from_millis(500)) {
            None => {}
            Some(Err(KafkaError::PartitionEOF(partition))) => {
                at_end.insert(partition);
            }
            Some(Err(error)) => return Err(error.into()),
            Some(Ok(message)) => {
                at_end.remove(&message.partition());
                handle_message(&decoder, &message, &mut summary, &mut handle);
                consumer.store_offset_from_message(&message)?;
            }
        }
    }
    match consumer.commit_consumer_state(CommitMode::Sync) {
        // Nothing was read since the last commit: nothing to commit.
        Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) | Ok(()) => Ok(summary),
        Err(error) => Err(error.into()),
    }
}

fn handle_message(
    decoder: &EventDecoder,
    message: &BorrowedMessage<'_>,
    summary: &mut Summary,
    handle: &mut impl FnMut(Position, Result<&DecodedEvent, &DecodeError>),
) {
    let position = Position {
        partition: message.partition(),
        offset: message.offset(),
    };
    match decoder.decode(message.payload()) {
        Ok(event) => {
            summary.events += 1;
            handle(position, Ok(&event));
        }
        // An analytics job should not stop on one bad record: report and go on.
        Err(error) => {
            summary.undecodable += 1;
            handle(position, Err(&error));
        }
    }
}

fn partition_count(consumer: &BaseConsumer, topic: &str) -> Result<usize, KafkaError> {
    let metadata = consumer.fetch_metadata(Some(topic), Duration::from_secs(10))?;
    Ok(metadata
        .topics()
        .first()
        .map_or(0, |topic| topic.partitions().len()))
}
