//! An event of one aggregate with its envelope, decoded (and upcast) from a
//! record's value, and what the engine reads of every event it hands a
//! projection.

use std::fmt;

use events::{Aggregate, DomainEvent, Envelope};

/// What the engine needs of each event before a projection sees it: where
/// it sits in its stream, so it can check the stream's order for every
/// projection alike (see `engine::stream_order`).
pub trait ProjectedEvent: Send + 'static {
    fn envelope(&self) -> &Envelope;

    /// True for the event that starts its stream (`TaskCreated`).
    fn starts_stream(&self) -> bool;
}

/// An event of aggregate `A` and its envelope.
pub struct Record<A: Aggregate> {
    pub envelope: Envelope,
    pub event: A::Event,
}

impl<A: Aggregate> Record<A> {
    /// Decodes a record's value: an envelope of `A`'s stream type whose event
    /// this build can read (older schema versions are upcast).
    pub fn decode(value: Option<&[u8]>) -> Result<Self, String> {
        let value = value.ok_or("the record has no value")?;
        let envelope = Envelope::from_wire_bytes(value).map_err(|error| error.to_string())?;
        Self::from_envelope(envelope)
    }

    /// The event in `envelope`, which must be of `A`'s stream type.
    pub fn from_envelope(envelope: Envelope) -> Result<Self, String> {
        if envelope.stream_type != A::STREAM_TYPE {
            return Err(format!(
                "stream type {:?} is not {:?}",
                envelope.stream_type,
                A::STREAM_TYPE
            ));
        }
        let event = envelope
            .decode::<A::Event>()
            .map_err(|error| error.to_string())?;
        Ok(Self { envelope, event })
    }
}

impl<A: Aggregate> ProjectedEvent for Record<A> {
    fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    fn starts_stream(&self) -> bool {
        self.event.starts_stream()
    }
}

// By hand: a derive would ask `A` itself to be `Clone` and `Debug`.
impl<A: Aggregate> Clone for Record<A> {
    fn clone(&self) -> Self {
        Self {
            envelope: self.envelope.clone(),
            event: self.event.clone(),
        }
    }
}

impl<A: Aggregate> fmt::Debug for Record<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("envelope", &self.envelope)
            .field("event", &self.event)
            .finish()
    }
}
