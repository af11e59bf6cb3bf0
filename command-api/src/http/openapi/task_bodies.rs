//! The request and response bodies of the command API, as
//! `events/src/task/parse/bodies.rs` reads them: unknown keys are refused
//! (`additionalProperties: false`), a key the parser requires is `required`
//! here even when it may be `null`, and the text rules of each field are
//! patterns (see `platform::openapi::text`).

use events::task::{Priority, rules};
use platform::openapi::text::{multi_line, single_line};
use serde_json::{Map, Value, json};

use super::operation::no_fields;

fn nullable(schema: Value) -> Value {
    json!({ "anyOf": [schema, { "type": "null" }] })
}

fn title() -> Value {
    single_line(rules::TITLE_MAX_CHARS, "The title")
}

fn description() -> Value {
    multi_line(rules::DESCRIPTION_MAX_CHARS, "The description")
}

fn assignee() -> Value {
    single_line(rules::ASSIGNEE_MAX_CHARS, "Who the task is assigned to")
}

fn tag() -> Value {
    single_line(rules::TAG_MAX_CHARS, "A tag")
}

fn due_date() -> Value {
    json!({ "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A calendar date written YYYY-MM-DD (years 0000-9999)." })
}

fn project_id() -> Value {
    json!({ "type": "string", "format": "uuid",
            "description": "The project the task is in. Moving a task into an archived project is undone by the process manager (see ARCHITECTURE.md)." })
}

fn priority() -> Value {
    json!({ "$ref": "#/components/schemas/Priority" })
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({ "type": "object", "additionalProperties": false, "required": required, "properties": properties })
}

/// `components.schemas` of the command API.
pub fn schemas() -> Map<String, Value> {
    let schemas = [
        (
            "Priority",
            json!({ "type": "string", "enum": Priority::ALL.map(Priority::as_str) }),
        ),
        ("CreateTask", {
            let mut create = object(
                &["title"],
                json!({
                    "task_id": nullable(json!({ "type": "string", "format": "uuid",
                        "description": "Chosen by the client; without it the id is derived from the Idempotency-Key (UUIDv5 of tenant and key) when one is sent, else a new UUIDv7." })),
                    "title": title(),
                    "description": nullable(description()),
                    "priority": nullable(priority()),
                    "due_date": nullable(due_date()),
                    "assignee": nullable(assignee()),
                    "tags": nullable(json!({ "type": "array", "items": tag(), "maxItems": rules::MAX_TAGS, "uniqueItems": true,
                        "description": format!("At most {} distinct tags, else 400 invalid_field on `tags`. Each is trimmed; duplicates (after trimming) are folded into their first occurrence rather than refused.", rules::MAX_TAGS) })),
                    "project_id": nullable(project_id()),
                }),
            );
            create["description"] =
                json!("`null` is the same as leaving a key out; `priority` defaults to `normal`.");
            create
        }),
        ("Rename", object(&["title"], json!({ "title": title() }))),
        ("ChangeDescription", {
            let mut body = object(
                &["description"],
                json!({ "description": nullable(description()) }),
            );
            body["description"] = json!(
                "`description` is required, so an empty body cannot wipe a description by accident: `null` (or blank text) clears it, `{}` is 400 invalid_field."
            );
            body
        }),
        (
            "ChangePriority",
            object(&["priority"], json!({ "priority": priority() })),
        ),
        ("Reschedule", {
            let mut body = object(&["due_date"], json!({ "due_date": nullable(due_date()) }));
            body["description"] = json!(
                "`due_date` is required: `null` removes the due date, `{}` is 400 invalid_field."
            );
            body
        }),
        (
            "Assign",
            object(&["assignee"], json!({ "assignee": assignee() })),
        ),
        ("Tag", object(&["tag"], json!({ "tag": tag() }))),
        (
            "MoveToProject",
            object(&["project_id"], json!({ "project_id": project_id() })),
        ),
        ("NoFields", no_fields()),
        (
            "CommandAccepted",
            json!({
                "type": "object", "additionalProperties": false,
                "required": ["task_id", "version", "position"],
                "properties": {
                    "task_id": { "type": "string", "format": "uuid" },
                    "version": { "type": "integer", "minimum": 1, "description": "The task's version after the command (also the ETag)." },
                    "position": { "type": "string", "description": "Opaque read-your-writes token: pass it to the query API as X-Consistency-Token. Do not parse it." }
                }
            }),
        ),
    ];
    schemas
        .into_iter()
        .map(|(name, schema)| (name.to_owned(), schema))
        .collect()
}
