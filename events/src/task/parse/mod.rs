//! HTTP command parsing: command name + JSON body → a normalized [`TaskCommand`].

mod bodies;
mod strict_date;

use serde_json::Value;

use self::bodies::{
    AssigneeBody, CreateBody, DescriptionBody, DueDateBody, PriorityBody, ProjectBody, TagBody,
    TitleBody,
};
use super::TaskCommand;
use crate::CommandParseError;
use crate::body::{NoBody, read, rule_broken};

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
        "move-to-project" => read::<ProjectBody>(body)?.into(),
        "remove-from-project" => read::<NoBody>(body).map(|_| TaskCommand::RemoveFromProject)?,
        _ => return Err(CommandParseError::unknown_command(name)),
    };
    command.normalized().map_err(rule_broken)
}
