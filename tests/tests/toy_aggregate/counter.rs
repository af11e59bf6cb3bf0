//! The toy aggregate, defined only here: a counter is opened, then
//! incremented by positive amounts.

use events::{
    Aggregate, Command, CommandParseError, DecodeError, DomainError, DomainEvent, ErrorKind,
};
use serde_json::{Value, json};

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Counter {
    opened: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub enum CounterCommand {
    Open,
    Increment { by: u32 },
}

impl Command for CounterCommand {
    fn name(&self) -> &'static str {
        match self {
            Self::Open => "create",
            Self::Increment { .. } => "increment",
        }
    }

    fn is_create(&self) -> bool {
        matches!(self, Self::Open)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum CounterEvent {
    Opened,
    Incremented { by: u32 },
}

impl DomainEvent for CounterEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Opened => "CounterOpened",
            Self::Incremented { .. } => "CounterIncremented",
        }
    }

    fn schema_version(&self) -> u32 {
        1
    }

    fn data(&self) -> Value {
        match self {
            Self::Opened => json!({}),
            Self::Incremented { by } => json!({ "by": by }),
        }
    }

    fn starts_stream(&self) -> bool {
        matches!(self, Self::Opened)
    }

    fn decode(event_type: &str, schema_version: u32, data: &Value) -> Result<Self, DecodeError> {
        match (event_type, schema_version) {
            ("CounterOpened", 1) => Ok(Self::Opened),
            ("CounterIncremented", 1) => data["by"]
                .as_u64()
                .and_then(|by| u32::try_from(by).ok())
                .map(|by| Self::Incremented { by })
                .ok_or_else(|| DecodeError::UnknownEventType(event_type.to_owned())),
            _ => Err(DecodeError::UnknownEventType(event_type.to_owned())),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CounterError {
    #[error("no such counter")]
    NotFound,
    #[error("the counter is already open")]
    AlreadyOpen,
}

impl DomainError for CounterError {
    fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "counter_not_found",
            Self::AlreadyOpen => "counter_already_open",
        }
    }

    fn kind(&self) -> ErrorKind {
        match self {
            Self::NotFound => ErrorKind::NotFound,
            Self::AlreadyOpen => ErrorKind::Conflict,
        }
    }
}

impl Aggregate for Counter {
    const STREAM_TYPE: &'static str = "counter";
    const TOPIC_NAME: &'static str = "counters";
    type Command = CounterCommand;
    type Event = CounterEvent;
    type Error = CounterError;

    fn decide(&self, command: &CounterCommand) -> Result<Vec<CounterEvent>, CounterError> {
        match command {
            CounterCommand::Open if self.opened => Err(CounterError::AlreadyOpen),
            CounterCommand::Open => Ok(vec![CounterEvent::Opened]),
            CounterCommand::Increment { by } => Ok(vec![CounterEvent::Incremented { by: *by }]),
        }
    }

    fn evolve(self, event: &CounterEvent) -> Self {
        match event {
            CounterEvent::Opened => Self { opened: true },
            CounterEvent::Incremented { .. } => self,
        }
    }

    fn exists(&self) -> bool {
        self.opened
    }

    fn not_found() -> CounterError {
        CounterError::NotFound
    }

    fn parse_command(name: &str, body: Value) -> Result<CounterCommand, CommandParseError> {
        match name {
            "create" => Ok(CounterCommand::Open),
            "increment" => match body["by"].as_u64() {
                Some(by @ 1..=1000) => Ok(CounterCommand::Increment { by: by as u32 }),
                _ => Err(CommandParseError::invalid_body(
                    Some("by".into()),
                    "must be a whole number from 1 to 1000",
                )),
            },
            _ => Err(CommandParseError::unknown_command(name)),
        }
    }
}
