/// Why an envelope or an event could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown event type {0:?}")]
    UnknownEventType(String),
    #[error("unsupported schema version {schema_version} of {event_type}")]
    UnsupportedVersion {
        event_type: String,
        schema_version: u32,
    },
    #[error("invalid data for {event_type} v{schema_version}: {message}")]
    InvalidData {
        event_type: String,
        schema_version: u32,
        message: String,
    },
    #[error("malformed envelope: {message}")]
    MalformedEnvelope { message: String },
}
