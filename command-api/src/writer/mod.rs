//! The single writer of each owned partition: it restores the partition's
//! streams from the log, then decides commands in memory and appends their
//! events in Kafka transactions fenced by a partition-bound transactional id.

mod batch;
mod delivery;
pub mod key_claims;
mod partition_writer;
mod polled_producer;
pub(crate) mod record;
mod restore;
mod snapshot;
mod standby;
mod state_store;
mod stream_cache;
mod stream_table;
mod value_format;

use events::{Aggregate, CommandMetadata};
use platform::position::Position;
use tokio::sync::oneshot;
use uuid::Uuid;

use crate::rejection::Rejection;

pub use partition_writer::{PartitionWriter, WriterHandle, WriterSettings};
pub use standby::StandbyCopy;
pub use state_store::{StateStore, StateStoreError};
pub use value_format::{UnregisteredEvent, ValueFormat};

/// The version the client expects the stream to be at (`If-Match`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedVersion {
    Any,
    Exactly(u64),
}

#[derive(Debug, Clone)]
pub struct Idempotency {
    pub key: String,
    /// Identifies the command's content, so a reused key with another command is refused.
    pub fingerprint: String,
}

/// What a partition's writer is asked to do.
pub enum WriterRequest<A: Aggregate> {
    Command(CommandRequest<A>),
    /// Bind an idempotency key whose partition this is to a stream.
    Claim(key_claims::ClaimRequest),
}

/// A command on its way to its partition's writer.
pub struct CommandRequest<A: Aggregate> {
    pub stream_id: Uuid,
    pub command: A::Command,
    pub expected_version: ExpectedVersion,
    pub metadata: CommandMetadata,
    pub idempotency: Option<Idempotency>,
    pub reply: oneshot::Sender<Result<CommandOutcome, Rejection>>,
}

/// What a successful command answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutcome {
    pub stream_id: Uuid,
    pub version: u64,
    /// The last event of the stream after the command; `None` only for a
    /// no-op on a stream that has no committed event yet (cannot happen for tasks).
    pub position: Option<Position>,
    pub created: bool,
    /// An `Idempotency-Key` retry answered from the first attempt.
    pub replayed: bool,
}
