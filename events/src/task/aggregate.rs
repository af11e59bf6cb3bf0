use super::{Task, TaskCommand, TaskError, TaskEvent, decide, evolve, parse_command};
use crate::{Aggregate, CommandParseError};

impl Aggregate for Task {
    const STREAM_TYPE: &'static str = "task";
    const TOPIC_NAME: &'static str = "tasks";

    type Command = TaskCommand;
    type Event = TaskEvent;
    type Error = TaskError;

    fn decide(&self, command: &TaskCommand) -> Result<Vec<TaskEvent>, TaskError> {
        decide(self, command)
    }

    fn evolve(self, event: &TaskEvent) -> Self {
        evolve(self, event)
    }

    fn exists(&self) -> bool {
        self.created
    }

    fn not_found() -> TaskError {
        TaskError::TaskNotFound
    }

    fn parse_command(
        name: &str,
        body: serde_json::Value,
    ) -> Result<TaskCommand, CommandParseError> {
        parse_command(name, body)
    }
}
