use std::fmt;

/// Why the event schemas could not be registered.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The subject's latest version does not accept this build's schema.
    #[error(
        "subject {subject:?}: this build's schema is not BACKWARD compatible with the registered \
         version: {reason}"
    )]
    Incompatible { subject: String, reason: String },
    #[error("schema registry at {url}: {operation} failed: {message}")]
    Request {
        url: String,
        operation: Operation,
        message: String,
    },
}

/// What was being asked of the registry, for error messages.
#[derive(Debug, Clone)]
pub enum Operation {
    Connect,
    ListVersions(String),
    SetCompatibility(String),
    CheckCompatibility(String),
    Register(String),
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connect => write!(f, "creating the client"),
            Self::ListVersions(subject) => write!(f, "listing the versions of {subject:?}"),
            Self::SetCompatibility(subject) => {
                write!(f, "setting the compatibility level of {subject:?}")
            }
            Self::CheckCompatibility(subject) => {
                write!(f, "checking compatibility with {subject:?}")
            }
            Self::Register(subject) => write!(f, "registering the schema of {subject:?}"),
        }
    }
}
