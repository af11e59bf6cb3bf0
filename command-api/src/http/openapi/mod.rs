//! `GET /openapi.json`: the command API's contract (OpenAPI 3.1). Bodies in
//! `bodies`, headers and answers in `operations`; the security scheme, the
//! error contract and the operational paths are the platform's.

mod bodies;
mod operations;

use std::sync::LazyLock;

use actix_web::HttpResponse;
use platform::auth::SCOPE_COMMANDS_WRITE;
use platform::openapi::{self as shared, requires};
use serde_json::{Map, Value, json};

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(&*DOCUMENT)
}

/// The document the service serves.
pub fn openapi_document() -> &'static Value {
    &DOCUMENT
}

/// (command, summary, body schema, the domain rules it can break).
type CommandSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const COMMANDS: [CommandSpec; 11] = [
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
];

fn body(schema: &str, required: bool) -> Value {
    json!({ "required": required, "content": { "application/json": {
        "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
}

fn operation(
    operation_id: &str,
    summary: &str,
    with_id: bool,
    request_body: Value,
    success: &str,
    conflicts: &[&str],
) -> Value {
    json!({ "post": {
        "operationId": operation_id,
        "summary": summary,
        "tags": ["commands"],
        "security": requires(SCOPE_COMMANDS_WRITE),
        "parameters": operations::parameters(with_id),
        "requestBody": request_body,
        "responses": operations::responses(success, conflicts)
    } })
}

fn camel_case(command: &str) -> String {
    command
        .split('-')
        .enumerate()
        .map(|(index, word)| match index {
            0 => word.to_owned(),
            _ => word[..1].to_uppercase() + &word[1..],
        })
        .collect()
}

static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    let mut paths = Map::new();
    paths.insert(
        "/v1/tasks".into(),
        operation(
            "createTask",
            "Create a task",
            false,
            body("CreateTask", true),
            "201",
            &["task_already_exists", "task_archived"],
        ),
    );
    for (command, summary, schema, conflicts) in COMMANDS {
        paths.insert(
            format!("/v1/tasks/{{id}}/{command}"),
            operation(
                &camel_case(command),
                summary,
                true,
                body(schema, schema != "NoFields"),
                "200",
                conflicts,
            ),
        );
    }
    paths.insert("/healthz".into(), shared::liveness_path());
    paths.insert(
        "/readyz".into(),
        shared::readiness_path(
            "Kafka reachable, every owned partition restored and the idempotency key index loaded",
        ),
    );
    paths.insert("/metrics".into(), shared::metrics_path());
    paths.insert("/openapi.json".into(), shared::openapi_path());

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Command API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": concat!(
                "Commands on tasks. Each success names the task's new version (also the ETag) and an opaque `position` token for read-your-writes. ",
                "Every command needs a bearer JWT with the scope `commands:write`; the tenant and the actor are the token's. ",
                "Errors always have the shape `{ \"error\": { \"code\", \"message\", \"details\" } }`; each response lists the codes it can carry."
            )
        },
        "tags": [
            { "name": "commands", "description": "Commands on tasks (scope commands:write)." },
            { "name": "operations", "description": "Open operational endpoints." }
        ],
        "security": requires(SCOPE_COMMANDS_WRITE),
        "paths": paths,
        "components": shared::components(bodies::schemas()),
    })
});

#[cfg(test)]
mod tests;
