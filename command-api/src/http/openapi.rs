//! `GET /openapi.json`: the command API's contract (OpenAPI 3.1).

use std::sync::LazyLock;

use actix_web::HttpResponse;
use serde_json::{Value, json};

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(&*DOCUMENT)
}

const COMMANDS: [(&str, &str, Option<&str>); 11] = [
    ("rename", "Rename the task", Some("Rename")),
    (
        "change-description",
        "Change or clear the description",
        Some("ChangeDescription"),
    ),
    (
        "change-priority",
        "Change the priority",
        Some("ChangePriority"),
    ),
    (
        "reschedule",
        "Set or clear the due date",
        Some("Reschedule"),
    ),
    ("assign", "Assign the task", Some("Assign")),
    ("unassign", "Remove the assignee", None),
    ("add-tag", "Add a tag (at most 20)", Some("Tag")),
    ("remove-tag", "Remove a tag", Some("Tag")),
    ("complete", "Complete an open task", None),
    ("reopen", "Reopen a completed task", None),
    (
        "archive",
        "Archive the task; it accepts no command afterwards",
        None,
    ),
];

static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    let mut paths = serde_json::Map::new();
    paths.insert("/v1/tasks".into(), json!({
        "post": {
            "operationId": "createTask",
            "summary": "Create a task",
            "description": "Without `task_id` the id is derived from the Idempotency-Key (UUIDv5 of tenant and key) when one is sent, otherwise a new UUIDv7.",
            "parameters": common_parameters(false),
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CreateTask" } } } },
            "responses": command_responses("201")
        }
    }));
    for (name, summary, body) in COMMANDS {
        let request_body = match body {
            Some(schema) => {
                json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
            }
            None => {
                json!({ "required": false, "description": "No fields: send no body or `{}`.", "content": { "application/json": { "schema": { "type": "object", "additionalProperties": false } } } })
            }
        };
        paths.insert(
            format!("/v1/tasks/{{id}}/{name}"),
            json!({
                "post": {
                    "operationId": name,
                    "summary": summary,
                    "parameters": common_parameters(true),
                    "requestBody": request_body,
                    "responses": command_responses("200")
                }
            }),
        );
    }
    for (path, summary) in [
        ("/healthz", "Liveness: the process serves HTTP"),
        (
            "/readyz",
            "Readiness: Kafka reachable and every owned partition restored (503 otherwise)",
        ),
        ("/metrics", "Prometheus metrics"),
        ("/openapi.json", "This document"),
    ] {
        paths.insert(path.into(), json!({ "get": { "summary": summary, "responses": { "200": { "description": "OK" } } } }));
    }

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Command API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Commands on tasks. Each success names the stream's new version (also the ETag) and an opaque `position` token for read-your-writes."
        },
        "paths": paths,
        "components": {
            "schemas": {
                "Priority": { "type": "string", "enum": ["low", "normal", "high", "urgent"] },
                "CreateTask": {
                    "type": "object", "additionalProperties": false, "required": ["title"],
                    "properties": {
                        "task_id": { "type": "string", "format": "uuid" },
                        "title": { "type": "string", "minLength": 1, "maxLength": 200 },
                        "description": { "type": ["string", "null"], "maxLength": 10000 },
                        "priority": { "$ref": "#/components/schemas/Priority" },
                        "due_date": { "type": ["string", "null"], "format": "date" },
                        "assignee": { "type": ["string", "null"], "minLength": 1, "maxLength": 100 },
                        "tags": { "type": "array", "maxItems": 20, "items": { "type": "string", "minLength": 1, "maxLength": 40 } }
                    }
                },
                "Rename": { "type": "object", "additionalProperties": false, "required": ["title"], "properties": { "title": { "type": "string", "minLength": 1, "maxLength": 200 } } },
                "ChangeDescription": { "type": "object", "additionalProperties": false, "properties": { "description": { "type": ["string", "null"], "maxLength": 10000 } } },
                "ChangePriority": { "type": "object", "additionalProperties": false, "required": ["priority"], "properties": { "priority": { "$ref": "#/components/schemas/Priority" } } },
                "Reschedule": { "type": "object", "additionalProperties": false, "properties": { "due_date": { "type": ["string", "null"], "format": "date" } } },
                "Assign": { "type": "object", "additionalProperties": false, "required": ["assignee"], "properties": { "assignee": { "type": "string", "minLength": 1, "maxLength": 100 } } },
                "Tag": { "type": "object", "additionalProperties": false, "required": ["tag"], "properties": { "tag": { "type": "string", "minLength": 1, "maxLength": 40 } } },
                "CommandAccepted": {
                    "type": "object", "required": ["task_id", "version", "position"],
                    "properties": {
                        "task_id": { "type": "string", "format": "uuid" },
                        "version": { "type": "integer", "minimum": 1 },
                        "position": { "type": "string", "description": "Opaque read-your-writes token; pass it to the query API as X-Consistency-Token." }
                    }
                },
                "Error": {
                    "type": "object", "required": ["error"],
                    "properties": { "error": { "type": "object", "required": ["code", "message", "details"], "properties": {
                        "code": { "type": "string", "description": "malformed_json, invalid_field, invalid_header, invalid_parameter, unknown_command, not_found, unsupported_media_type, payload_too_large, version_mismatch, idempotency_key_reused, partition_unavailable, or a domain rule code such as task_not_found, task_archived, task_already_completed, task_not_completed, task_already_exists, tag_limit_reached, invalid_title" },
                        "message": { "type": "string" },
                        "details": { "type": "object" }
                    } } }
                }
            }
        }
    })
});

fn common_parameters(with_id: bool) -> Value {
    let mut parameters = vec![
        json!({ "name": "Idempotency-Key", "in": "header", "schema": { "type": "string", "maxLength": 255 }, "description": "Makes retries safe: a retry returns the first response and appends nothing; the same key with another command, on any task of the tenant, is refused (422)." }),
        json!({ "name": "X-Tenant-Id", "in": "header", "schema": { "type": "string", "default": "default" } }),
        json!({ "name": "X-Actor", "in": "header", "schema": { "type": "string", "default": "anonymous" } }),
        json!({ "name": "X-Correlation-Id", "in": "header", "schema": { "type": "string" }, "description": "Defaults to the request id." }),
        json!({ "name": "X-Request-Id", "in": "header", "schema": { "type": "string" }, "description": "Echoed in the response; generated when absent." }),
    ];
    if with_id {
        parameters.insert(0, json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }));
        parameters.push(json!({ "name": "If-Match", "in": "header", "schema": { "type": "string", "example": "\"3\"" }, "description": "Expected version; a stale one gets 412 and appends nothing." }));
    }
    Value::Array(parameters)
}

fn command_responses(success: &str) -> Value {
    let error = json!({ "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let with = |description: &str| {
        let mut response = error.clone();
        response["description"] = json!(description);
        response
    };
    json!({
        success: {
            "description": "Appended and committed",
            "headers": { "ETag": { "schema": { "type": "string" }, "description": "\"<version>\"" } },
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CommandAccepted" } } }
        },
        "400": with("Malformed JSON, invalid field (details.field), invalid header or id"),
        "404": with("Unknown task or unknown command"),
        "409": with("Refused by a domain rule (code names the rule)"),
        "412": with("If-Match is stale; details.current_version holds the current version"),
        "413": with("Body too large"),
        "415": with("Body is not application/json"),
        "422": with("Idempotency-Key reused with a different command"),
        "503": with("The stream's partition is changing owner; retry (Retry-After)")
    })
}
