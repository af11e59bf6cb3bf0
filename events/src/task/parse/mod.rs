//! HTTP command parsing: command name + JSON body → a normalized [`TaskCommand`].

mod bodies;
mod body_error;
mod strict_date;

use serde::de::DeserializeOwned;
use serde_json::Value;

use self::bodies::{
    AssigneeBody, CreateBody, DescriptionBody, DueDateBody, NoBody, PriorityBody, TagBody,
    TitleBody,
};
use self::body_error::body_error;
use super::TaskCommand;
use crate::{CommandParseError, DomainError, ErrorKind};

/// Parses an HTTP command. `name` is `"create"` for `POST /v1/tasks`, else the last path
/// segment of `POST /v1/tasks/{id}/{name}` (see [`TaskCommand::NAMES`]).
///
/// Errors: an unknown `name` is `UnknownCommand`; a body that is not an object, has an
/// unknown field, misses a required field or has a wrongly typed value is `InvalidBody`
/// with `field` set to the JSON path (`"title"`, `"tags[2]"`); values that break a task
/// rule are `InvalidBody` with the rule's field and message. Commands without fields
/// accept `{}` or `null`.
pub fn parse_command(name: &str, body: Value) -> Result<TaskCommand, CommandParseError> {
    let command = match name {
        "create" => read::<CreateBody>(body)?.into(),
        "rename" => read::<TitleBody>(body)?.into_rename(),
        "change-description" => read::<DescriptionBody>(body)?.into(),
        "change-priority" => read::<PriorityBody>(body)?.into(),
        "reschedule" => read::<DueDateBody>(body)?.into(),
        "assign" => read::<AssigneeBody>(body)?.into(),
        "unassign" => read::<NoBody>(body).map(|_| TaskCommand::Unassign)?,
        "add-tag" => read::<TagBody>(body)?.into_add_tag(),
        "remove-tag" => read::<TagBody>(body)?.into_remove_tag(),
        "complete" => read::<NoBody>(body).map(|_| TaskCommand::Complete)?,
        "reopen" => read::<NoBody>(body).map(|_| TaskCommand::Reopen)?,
        "archive" => read::<NoBody>(body).map(|_| TaskCommand::Archive)?,
        _ => return Err(CommandParseError::unknown_command(name)),
    };
    command.normalized().map_err(|broken| {
        let field = match broken.kind() {
            ErrorKind::Invalid { field } => Some(field.to_owned()),
            ErrorKind::NotFound | ErrorKind::Conflict => None,
        };
        CommandParseError::invalid_body(field, broken.to_string())
    })
}

fn read<T: DeserializeOwned>(body: Value) -> Result<T, CommandParseError> {
    // A missing body reads as `{}`, so a command with required fields reports the first
    // missing field rather than "expected an object".
    let body = match body {
        Value::Null => Value::Object(serde_json::Map::new()),
        Value::Object(_) => body,
        _ => {
            return Err(CommandParseError::invalid_body(
                None,
                "body must be a JSON object",
            ));
        }
    };
    serde_path_to_error::deserialize(body).map_err(body_error)
}
