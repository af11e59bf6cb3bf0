use std::fmt;

use serde_json::Value;

/// The fields of an event envelope an analytics job typically routes on.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedEvent {
    pub event_type: String,
    pub schema_version: u64,
    pub stream_type: String,
    pub stream_id: String,
    /// Position of the event in its stream (1-based).
    pub version: u64,
    pub validation: Validation,
    /// The whole envelope, `data` included.
    pub envelope: Value,
}

/// How the value was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validation {
    /// Framed: validated against the registry schema with this id.
    Validated { schema_id: u32 },
    /// Framed, but no registry configured: parsed, not validated.
    Unchecked { schema_id: u32 },
    /// Plain JSON (produced without a registry): parsed, not validated.
    PlainJson,
}

impl fmt::Display for DecodedEvent {
    /// `TaskCreated v2 task/<id> version=1 schema_id=3 validated`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} v{} {}/{} version={} ",
            self.event_type, self.schema_version, self.stream_type, self.stream_id, self.version
        )?;
        match self.validation {
            Validation::Validated { schema_id } => write!(f, "schema_id={schema_id} validated"),
            Validation::Unchecked { schema_id } => write!(f, "schema_id={schema_id} unchecked"),
            Validation::PlainJson => write!(f, "plain-json"),
        }
    }
}
