use std::fmt;

/// Why an envelope was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    #[error("envelope does not match envelope.v1: {}", Violations(.0))]
    InvalidEnvelope(Vec<Violation>),
    #[error("no schema for event type {event_type:?} in {stream_type:?} streams")]
    UnknownEventType {
        stream_type: String,
        event_type: String,
    },
    #[error("no schema for {event_type} version {schema_version}")]
    UnknownVersion {
        event_type: String,
        schema_version: u32,
    },
    #[error(
        "data does not match {event_type} v{schema_version}: {}",
        Violations(violations)
    )]
    InvalidData {
        event_type: String,
        schema_version: u32,
        violations: Vec<Violation>,
    },
}

/// Why a snapshot (a record of an `events.<aggregate>.state` topic) was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotSchemaError {
    #[error("snapshot does not match snapshot.v1: {}", Violations(.0))]
    InvalidSnapshot(Vec<Violation>),
    #[error("no state schema for {stream_type:?} streams at state version {state_version}")]
    UnknownStateVersion {
        stream_type: String,
        state_version: u32,
    },
    #[error(
        "state does not match {stream_type} state v{state_version}: {}",
        Violations(violations)
    )]
    InvalidState {
        stream_type: String,
        state_version: u32,
        violations: Vec<Violation>,
    },
}

/// One way an instance broke its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON Pointer to the offending value, relative to what was validated (`""` is
    /// the whole envelope or snapshot, or the whole `data` for
    /// [`SchemaError::InvalidData`], the whole `state` for
    /// [`SnapshotSchemaError::InvalidState`]).
    pub instance_path: String,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.instance_path.is_empty() {
            "/"
        } else {
            &self.instance_path
        };
        write!(f, "{path}: {}", self.message)
    }
}

/// Lists violations on one line for error messages.
struct Violations<'a>(&'a [Violation]);

impl fmt::Display for Violations<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, violation) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{violation}")?;
        }
        Ok(())
    }
}
