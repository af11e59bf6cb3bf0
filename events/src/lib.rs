//! The pure domain of the platform: aggregates decide on commands and evolve from
//! events; events travel between services inside an [`Envelope`].
//!
//! Nothing in this crate performs I/O. Other crates (command API, projector, query API)
//! code against the generic [`Aggregate`] seam so a second aggregate type can be added
//! without touching their machinery.

mod aggregate;
mod body;
mod command_metadata;
mod command_parse_error;
mod decode_error;
mod envelope;
mod error_kind;
mod fold;
mod occurred_at;
pub mod project;
mod snapshot;
pub mod task;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod text;
pub mod wire;

pub use aggregate::{Aggregate, Command, DomainError, DomainEvent};
pub use command_metadata::CommandMetadata;
pub use command_parse_error::{CommandParseError, CommandParseErrorKind};
pub use decode_error::DecodeError;
pub use envelope::Envelope;
pub use error_kind::ErrorKind;
pub use fold::fold;
pub use project::{Project, ProjectCommand, ProjectError, ProjectEvent};
pub use snapshot::{SNAPSHOT_FORMAT, Snapshot, SnapshotCommand, SnapshotError, SnapshotHead};
pub use task::{Task, TaskCommand, TaskError, TaskEvent};

/// Parses an HTTP command for aggregate `A`: the text rules every aggregate
/// shares ([`text::check_body`]), then the aggregate's own parsing and rules.
pub fn parse_command<A: Aggregate>(
    name: &str,
    body: serde_json::Value,
) -> Result<A::Command, CommandParseError> {
    // The aggregate first, so an unknown command is a 404 whatever its body.
    let checked = text::check_body(&body);
    let command = A::parse_command(name, body)?;
    checked.map(|()| command)
}
