/// Why [`crate::Aggregate::parse_command`] rejected a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CommandParseError {
    pub kind: CommandParseErrorKind,
    /// The offending JSON path (e.g. `"title"`, `"tags[2]"`), when known.
    pub field: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandParseErrorKind {
    /// No command of that name exists (HTTP 404).
    UnknownCommand,
    /// The body is malformed or a value breaks a rule (HTTP 400).
    InvalidBody,
}

impl CommandParseError {
    pub fn unknown_command(name: &str) -> Self {
        Self {
            kind: CommandParseErrorKind::UnknownCommand,
            field: None,
            message: format!("unknown command {name:?}"),
        }
    }

    pub fn invalid_body(field: Option<String>, message: impl Into<String>) -> Self {
        Self {
            kind: CommandParseErrorKind::InvalidBody,
            field,
            message: message.into(),
        }
    }
}
