use super::{Project, ProjectCommand, ProjectError, ProjectEvent, decide, evolve, parse_command};
use crate::{Aggregate, CommandParseError};

impl Aggregate for Project {
    const STREAM_TYPE: &'static str = "project";
    const TOPIC_NAME: &'static str = "projects";

    type Command = ProjectCommand;
    type Event = ProjectEvent;
    type Error = ProjectError;

    fn decide(&self, command: &ProjectCommand) -> Result<Vec<ProjectEvent>, ProjectError> {
        decide(self, command)
    }

    fn evolve(self, event: &ProjectEvent) -> Self {
        evolve(self, event)
    }

    fn exists(&self) -> bool {
        self.created
    }

    fn not_found() -> ProjectError {
        ProjectError::ProjectNotFound
    }

    fn parse_command(
        name: &str,
        body: serde_json::Value,
    ) -> Result<ProjectCommand, CommandParseError> {
        parse_command(name, body)
    }
}
