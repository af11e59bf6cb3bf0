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
    /// The outcome of a read that waited for several positions: stale if
    /// any wait ran out, else parked if any position's event is parked, else
    /// consistent. `waits` holds, per position waited for, whether it was
    /// reached and then whether its event is parked; none (every position on
    /// a topic the projection does not read) is consistent.
    pub fn of_waits(waits: impl IntoIterator<Item = Outcome>) -> Self {
        waits
            .into_iter()
            .fold(Self::Consistent, |outcome, wait| outcome.max(wait))
    }

    /// Stale over parked over consistent.
    fn severity(self) -> u8 {
        match self {
            Self::NotRequested | Self::Consistent => 0,
            Self::Parked => 1,
            Self::Stale => 2,
        }
    }

    fn max(self, other: Self) -> Self {
        if other.severity() > self.severity() {
            other
        } else {
            self
        }
    }

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

#[cfg(test)]
mod tests {
    use super::Outcome::{self, *};

    #[test]
    fn stale_wins_over_parked_and_parked_over_consistent() {
        assert_eq!(Outcome::of_waits([]), Consistent);
        assert_eq!(Outcome::of_waits([Consistent, Consistent]), Consistent);
        assert_eq!(Outcome::of_waits([Consistent, Parked]), Parked);
        assert_eq!(Outcome::of_waits([Parked, Stale, Consistent]), Stale);
        assert_eq!(Outcome::of_waits([Stale, Parked]), Stale);
        assert_eq!(
            Outcome::of_waits([Consistent]).header_value(),
            Some("consistent")
        );
    }
}
