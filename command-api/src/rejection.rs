//! Why a command was not decided. The writer and the service answer these;
//! the HTTP layer alone turns them into the error contract.

use events::{DomainError, ErrorKind};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// `If-Match` named another version than the stream's.
    #[error("expected version {expected}, but the {stream_type} is at version {current_version}")]
    VersionMismatch {
        stream_type: &'static str,
        expected: u64,
        current_version: u64,
    },
    /// The `Idempotency-Key` was first used with another command.
    #[error("this Idempotency-Key was already used with a different command")]
    IdempotencyKeyReused { key: String },
    /// The aggregate's own rules refused the command.
    #[error("{message}")]
    Domain {
        code: &'static str,
        kind: ErrorKind,
        message: String,
    },
    /// No writer of the stream's partition could take the command (it is
    /// changing owner, or restoring) before the deadline.
    #[error("no instance could take the command for this stream in time; retry")]
    Unavailable { partition: i32 },
    /// The command reached a writer or an owner, and whether it was appended
    /// cannot be known (a commit that neither succeeded nor aborted, a lost
    /// connection to the owner): retried blindly it could apply twice, so it
    /// is left to the client, who can retry safely with an `Idempotency-Key`.
    #[error("the command may or may not have been appended; retry it with an Idempotency-Key")]
    OutcomeUnknown { partition: i32 },
    /// A defect, e.g. an event whose schema was not registered.
    #[error("{0}")]
    Internal(String),
}

impl Rejection {
    pub fn domain<E: DomainError>(error: E) -> Self {
        Self::Domain {
            code: error.code(),
            kind: error.kind(),
            message: error.to_string(),
        }
    }

    /// Unavailability is the one rejection worth retrying elsewhere or later.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }

    /// The `outcome` label of the command metrics: the error code clients see.
    pub fn metric_label(&self) -> &'static str {
        match self {
            Self::VersionMismatch { .. } => "version_mismatch",
            Self::IdempotencyKeyReused { .. } => "idempotency_key_reused",
            Self::Domain { code, .. } => code,
            Self::Unavailable { .. } | Self::OutcomeUnknown { .. } => "partition_unavailable",
            Self::Internal(_) => "internal",
        }
    }
}
