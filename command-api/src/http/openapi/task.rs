//! The task aggregate's part of the document, written by hand: one path per
//! command with its own body schema and the domain rules it can break.

use events::task::Task;
use events::{Aggregate, DomainError};
use serde_json::Map;

use super::aggregate_openapi::AggregateOpenApi;
use super::operation::{Operation, body, camel_case};
use super::operations::Nouns;
use super::task_bodies;

/// (command, summary, body schema, the domain rules it can break).
type CommandSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const COMMANDS: [CommandSpec; 13] = [
    ("rename", "Rename the task", "Rename", &["task_archived"]),
    (
        "change-description",
        "Change or clear the description",
        "ChangeDescription",
        &["task_archived"],
    ),
    (
        "change-priority",
        "Change the priority",
        "ChangePriority",
        &["task_archived"],
    ),
    (
        "reschedule",
        "Set or clear the due date",
        "Reschedule",
        &["task_archived"],
    ),
    ("assign", "Assign the task", "Assign", &["task_archived"]),
    (
        "unassign",
        "Remove the assignee",
        "NoFields",
        &["task_archived"],
    ),
    (
        "add-tag",
        "Add a tag (a task has at most 20)",
        "Tag",
        &["task_archived", "tag_limit_reached"],
    ),
    ("remove-tag", "Remove a tag", "Tag", &["task_archived"]),
    (
        "complete",
        "Complete an open task",
        "NoFields",
        &["task_archived", "task_already_completed"],
    ),
    (
        "reopen",
        "Reopen a completed task",
        "NoFields",
        &["task_archived", "task_not_completed"],
    ),
    (
        "archive",
        "Archive the task; it accepts no command afterwards",
        "NoFields",
        &["task_archived"],
    ),
    (
        "move-to-project",
        "Move the task into a project (or to another one)",
        "MoveToProject",
        &["task_archived"],
    ),
    (
        "remove-from-project",
        "Take the task out of its project",
        "NoFields",
        &["task_archived"],
    ),
];

/// What the task registration supplies to the document.
pub fn task_openapi() -> AggregateOpenApi {
    let nouns = Nouns {
        one: Task::STREAM_TYPE,
        many: Task::TOPIC_NAME,
        not_found: Task::not_found().code(),
        accepted_schema: "CommandAccepted",
    };
    let mut paths = Map::new();
    paths.insert(
        format!("/v1/{}", Task::TOPIC_NAME),
        Operation {
            operation_id: "createTask",
            summary: "Create a task",
            with_id: false,
            request_body: body("CreateTask", true),
            success: "201",
            conflicts: &["task_already_exists", "task_archived"],
        }
        .path_item(&nouns),
    );
    for (command, summary, schema, conflicts) in COMMANDS {
        paths.insert(
            format!("/v1/{}/{{id}}/{command}", Task::TOPIC_NAME),
            Operation {
                operation_id: &camel_case(command, false),
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
        topic_name: Task::TOPIC_NAME,
        stream_type: Task::STREAM_TYPE,
        paths,
        schemas: task_bodies::schemas(),
    }
}
