//! HTTP command parsing: command name + JSON body → a normalized [`ProjectCommand`].

use serde::Deserialize;
use serde_json::Value;

use super::ProjectCommand;
use crate::CommandParseError;
use crate::body::{NoBody, read, rule_broken};

/// Parses an HTTP command. `name` is `"create"` for `POST /v1/projects`, else the
/// last path segment of `POST /v1/projects/{id}/{name}` (see
/// [`ProjectCommand::NAMES`]). Errors follow `task::parse_command`: an unknown name
/// is `UnknownCommand`, a malformed body or a broken rule is `InvalidBody` naming
/// the field.
pub fn parse_command(name: &str, body: Value) -> Result<ProjectCommand, CommandParseError> {
    let command = match name {
        "create" => read::<CreateBody>(body).map(|body| ProjectCommand::Create {
            name: body.name,
            description: body.description,
        })?,
        "rename" => {
            read::<NameBody>(body).map(|body| ProjectCommand::Rename { name: body.name })?
        }
        "archive" => read::<NoBody>(body).map(|_| ProjectCommand::Archive)?,
        "restore" => read::<NoBody>(body).map(|_| ProjectCommand::Restore)?,
        "add-member" => read::<MemberBody>(body).map(|body| ProjectCommand::AddMember {
            member: body.member,
        })?,
        "remove-member" => read::<MemberBody>(body).map(|body| ProjectCommand::RemoveMember {
            member: body.member,
        })?,
        _ => return Err(CommandParseError::unknown_command(name)),
    };
    command.normalized().map_err(rule_broken)
}

/// `POST /v1/projects`: `name` is required; `project_id` is taken by the command
/// API before the body reaches here.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    name: String,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NameBody {
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberBody {
    member: String,
}
