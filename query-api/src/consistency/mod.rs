//! Read-your-writes: what a request asks for, and waiting for it.

mod bounds;
pub mod request;
mod watcher;

pub use bounds::{OutOfBounds, TopicBounds};
pub use request::{CONSISTENCY_HEADER, ReadConsistency, TIMEOUT_HEADER, TOKEN_HEADER};
pub use watcher::CheckpointWatcher;

/// How a read relates to the position the client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No position was given.
    NotRequested,
    /// The projection had passed the position when the data was read.
    Consistent,
    /// The wait ran out: the data may predate the client's write.
    Stale,
    /// The projection got past the position, but the event there could not
    /// be applied and is parked (with the later events of its stream): the
    /// data does not show the write until an operator resolves it.
    Parked,
}

impl Outcome {
    /// The `X-Consistency` header value, when one is due.
    pub fn header_value(self) -> Option<&'static str> {
        match self {
            Self::NotRequested => None,
            Self::Consistent => Some("consistent"),
            Self::Stale => Some("stale"),
            Self::Parked => Some("parked"),
        }
    }
}
