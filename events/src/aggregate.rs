//! The generic seam between the domain and the machinery (command API, projector).
//!
//! The machinery only ever talks to these traits, so adding a second aggregate type
//! means implementing them — nothing else has to change.

use crate::{CommandParseError, DecodeError, ErrorKind};

/// An event-sourced aggregate: its state is the left fold of its events with
/// [`Aggregate::evolve`], starting from [`Default`] (the "not created" state).
pub trait Aggregate:
    Default + Clone + serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static
{
    /// Names the stream type in envelopes, e.g. `"task"`.
    const STREAM_TYPE: &'static str;
    /// Names the topic the events go to (`events.{TOPIC_NAME}`), e.g. `"tasks"`.
    const TOPIC_NAME: &'static str;
    /// The version of the state's serialized form in snapshots ([`crate::Snapshot`]).
    /// Bump it with any change `Deserialize` cannot read from older snapshots:
    /// streams whose snapshot has another version are replayed from their events.
    const STATE_VERSION: u32 = 1;

    type Command: Command;
    type Event: DomainEvent;
    type Error: DomainError;

    /// Decides which events a command produces given the current state.
    /// An empty vector means the command is a no-op on this state.
    fn decide(&self, command: &Self::Command) -> Result<Vec<Self::Event>, Self::Error>;

    /// Applies one event. Must be total: events are facts and are never rejected.
    fn evolve(self, event: &Self::Event) -> Self;

    /// False until the creating event has been applied.
    fn exists(&self) -> bool;

    /// The refusal of a command on a stream that does not exist. The writer
    /// also answers it for a stream of another tenant, so the two look alike.
    fn not_found() -> Self::Error;

    /// Parses an HTTP command: `name` is `"create"` for `POST /v1/{topic}`, else the last
    /// path segment of `POST /v1/{topic}/{id}/{name}`. `body` is the JSON body; commands
    /// without fields accept `{}` or `null`. Unknown fields are rejected.
    fn parse_command(
        name: &str,
        body: serde_json::Value,
    ) -> Result<Self::Command, CommandParseError>;
}

/// A request to change an aggregate. Holds validated, normalized values.
pub trait Command: serde::Serialize + Clone + std::fmt::Debug + Send + Sync + 'static {
    /// The command's name as used in the HTTP path, e.g. `"create"`, `"rename"`.
    fn name(&self) -> &'static str;
    /// True for the command that creates the aggregate (its stream starts with it).
    fn is_create(&self) -> bool;
}

/// A fact that happened to an aggregate.
pub trait DomainEvent: Clone + std::fmt::Debug + PartialEq + Send + Sync + 'static {
    /// The envelope's `event_type`, e.g. `"TaskCreated"`.
    fn event_type(&self) -> &'static str;
    /// The schema version this event is written with (the current one).
    fn schema_version(&self) -> u32;
    /// The envelope's `data`: the event's fields, not the stream id.
    fn data(&self) -> serde_json::Value;
    /// True for the event that starts its stream (`TaskCreated`): a stream's
    /// first event must be one, and no later event may be. Readers of the log
    /// (the projector) check this for every aggregate.
    fn starts_stream(&self) -> bool;
    /// Decodes any known version, upcasting older versions to the current one.
    fn decode(
        event_type: &str,
        schema_version: u32,
        data: &serde_json::Value,
    ) -> Result<Self, DecodeError>;
}

/// A business-rule violation reported by [`Aggregate::decide`].
pub trait DomainError: std::error::Error + Send + Sync + 'static {
    /// A stable snake_case rule code clients can match on, e.g. `"task_archived"`.
    fn code(&self) -> &'static str;
    /// How the violation maps onto a response class.
    fn kind(&self) -> ErrorKind;
}
