//! The project aggregate's part of the document, written by hand: one path
//! per command with its own body schema and the domain rules it can break
//! (in the order `events::project::decide` checks them).

use events::project::Project;
use events::{Aggregate, DomainError};
use serde_json::Map;

use super::aggregate_openapi::AggregateOpenApi;
use super::operation::{Operation, body};
use super::operations::Nouns;
use super::project_bodies;

/// (command, operation id, summary, body schema, the domain rules it can
/// break). The operation ids name the project, unlike the task ones
/// (`rename`, `archive`), which they would collide with.
type CommandSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const COMMANDS: [CommandSpec; 5] = [
    (
        "rename",
        "renameProject",
        "Rename the project",
        "RenameProject",
        &["project_archived"],
    ),
    (
        "archive",
        "archiveProject",
        "Archive the project; it accepts only restore afterwards",
        "NoFields",
        &["project_already_archived"],
    ),
    (
        "restore",
        "restoreProject",
        "Restore an archived project",
        "NoFields",
        &["project_not_archived"],
    ),
    (
        "add-member",
        "addProjectMember",
        "Add a member (a project has at most 500)",
        "Member",
        &["project_archived", "member_limit_reached"],
    ),
    (
        "remove-member",
        "removeProjectMember",
        "Remove a member",
        "Member",
        &["project_archived"],
    ),
];

/// What the project registration supplies to the document.
pub fn project_openapi() -> AggregateOpenApi {
    let nouns = Nouns {
        one: Project::STREAM_TYPE,
        many: Project::TOPIC_NAME,
        not_found: Project::not_found().code(),
        accepted_schema: "ProjectCommandAccepted",
    };
    let mut paths = Map::new();
    paths.insert(
        format!("/v1/{}", Project::TOPIC_NAME),
        Operation {
            operation_id: "createProject",
            summary: "Create a project",
            with_id: false,
            request_body: body("CreateProject", true),
            success: "201",
            conflicts: &["project_already_exists"],
        }
        .path_item(&nouns),
    );
    for (command, operation_id, summary, schema, conflicts) in COMMANDS {
        paths.insert(
            format!("/v1/{}/{{id}}/{command}", Project::TOPIC_NAME),
            Operation {
                operation_id,
                summary,
                with_id: true,
                request_body: body(schema, schema != "NoFields"),
                success: "200",
                conflicts,
            }
            .path_item(&nouns),
        );
    }
    AggregateOpenApi {
        topic_name: Project::TOPIC_NAME,
        stream_type: Project::STREAM_TYPE,
        paths,
        schemas: project_bodies::schemas(),
    }
}
