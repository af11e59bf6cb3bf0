//! The response bodies of the query API, as the handlers and the `store`
//! rows serialize them.

use events::task::{Priority, TaskStatus};
use serde_json::{Map, Value, json};

use crate::http::projects;

fn nullable(schema: Value) -> Value {
    json!({ "anyOf": [schema, { "type": "null" }] })
}

fn date_time() -> Value {
    json!({ "type": "string", "format": "date-time" })
}

fn page(items: &str, extra: &[(&str, Value)]) -> Value {
    let mut properties = Map::new();
    for (name, schema) in extra {
        properties.insert((*name).to_owned(), schema.clone());
    }
    properties.insert(
        "items".into(),
        json!({ "type": "array", "items": { "$ref": format!("#/components/schemas/{items}") } }),
    );
    properties.insert("next_cursor".into(), json!({ "type": ["string", "null"], "description": "Pass it as `cursor` for the next page; null on the last page." }));
    properties.insert("limit".into(), json!({ "type": "integer", "minimum": 1 }));
    let required: Vec<&String> = properties.keys().collect();
    json!({ "type": "object", "additionalProperties": false, "required": required, "properties": properties })
}

/// A project as `store::projects::ProjectView` serializes it, plus `extra`.
fn project(extra: &[(&str, Value)]) -> Value {
    let mut properties = json!({
        "project_id": { "type": "string", "format": "uuid" },
        "name": { "type": "string" },
        "description": { "type": ["string", "null"] },
        "status": { "type": "string", "enum": projects::statuses() },
        "members": { "type": "array", "items": { "type": "string" }, "description": "Subjects, in the order they were added." },
        "version": { "type": "integer", "minimum": 1 },
        "created_at": date_time(),
        "updated_at": date_time(),
        "archived_at": nullable(date_time())
    });
    for (name, schema) in extra {
        properties[*name] = schema.clone();
    }
    let required: Vec<String> = properties.as_object().unwrap().keys().cloned().collect();
    json!({ "type": "object", "additionalProperties": false, "required": required, "properties": properties })
}

/// `components.schemas` of the query API.
pub fn schemas() -> Map<String, Value> {
    let statuses = TaskStatus::ALL.map(TaskStatus::as_str);
    let task_counts = json!({
        "type": "object", "additionalProperties": false, "required": statuses,
        "description": "The project's tasks per status: tasks of the project's tenant that are in it now. Every status is present, zero or not.",
        "properties": statuses.iter().map(|status| ((*status).to_owned(), json!({ "type": "integer", "minimum": 0 }))).collect::<Map<String, Value>>()
    });
    let schemas = [
        (
            "Task",
            json!({
                "type": "object", "additionalProperties": false,
                "required": ["task_id", "tenant_id", "title", "description", "priority", "due_date", "assignee", "tags", "status", "version", "created_at", "updated_at", "completed_at", "project_id"],
                "properties": {
                    "task_id": { "type": "string", "format": "uuid" },
                    "tenant_id": { "type": "string" },
                    "title": { "type": "string" },
                    "description": { "type": ["string", "null"] },
                    "priority": { "type": "string", "enum": Priority::ALL.map(Priority::as_str) },
                    "due_date": nullable(json!({ "type": "string", "format": "date" })),
                    "assignee": { "type": ["string", "null"] },
                    "tags": { "type": "array", "items": { "type": "string" } },
                    "status": { "type": "string", "enum": statuses },
                    "version": { "type": "integer", "minimum": 1, "description": "Also the ETag." },
                    "created_at": date_time(),
                    "updated_at": date_time(),
                    "completed_at": nullable(date_time()),
                    "project_id": nullable(json!({ "type": "string", "format": "uuid", "description": "The project the task is in; null when in none." }))
                }
            }),
        ),
        ("TaskPage", page("Task", &[])),
        (
            "HistoryEntry",
            json!({
                "type": "object", "additionalProperties": false,
                "required": ["event_id", "version", "event_type", "schema_version", "recorded_schema_version", "data", "occurred_at", "tenant_id", "actor", "command_id", "correlation_id", "causation_id", "partition", "offset"],
                "properties": {
                    "event_id": { "type": "string", "format": "uuid" },
                    "version": { "type": "integer", "minimum": 1 },
                    "event_type": { "type": "string" },
                    "schema_version": { "type": "integer", "description": "The version `data` is in (upcast to the current one)." },
                    "recorded_schema_version": { "type": "integer", "description": "The version the event was written with." },
                    "data": { "type": "object" },
                    "occurred_at": date_time(),
                    "tenant_id": { "type": "string" },
                    "actor": { "type": "string", "description": "The `sub` of the token that sent the command." },
                    "command_id": { "type": "string" },
                    "correlation_id": { "type": "string" },
                    "causation_id": { "type": "string" },
                    "partition": { "type": "integer", "minimum": 0 },
                    "offset": { "type": "integer", "minimum": 0 }
                }
            }),
        ),
        (
            "HistoryPage",
            page(
                "HistoryEntry",
                &[("task_id", json!({ "type": "string", "format": "uuid" }))],
            ),
        ),
        ("Project", project(&[])),
        (
            "ProjectWithTaskCounts",
            project(&[("task_counts", task_counts)]),
        ),
        ("ProjectPage", page("Project", &[])),
        (
            "ProjectHistoryPage",
            page(
                "HistoryEntry",
                &[("project_id", json!({ "type": "string", "format": "uuid" }))],
            ),
        ),
        (
            "Stats",
            json!({
                "type": "object", "additionalProperties": false,
                "required": ["tenant_id", "total", "by_status", "completions_per_day"],
                "properties": {
                    "tenant_id": { "type": "string" },
                    "total": { "type": "integer", "minimum": 0 },
                    "by_status": { "type": "object", "additionalProperties": false, "required": statuses,
                        "properties": statuses.iter().map(|status| ((*status).to_owned(), json!({ "type": "integer", "minimum": 0 }))).collect::<Map<String, Value>>() },
                    "completions_per_day": { "type": "array", "items": {
                        "type": "object", "additionalProperties": false, "required": ["day", "completions"],
                        "properties": { "day": { "type": "string", "format": "date" }, "completions": { "type": "integer", "minimum": 0 } } } }
                }
            }),
        ),
    ];
    schemas
        .into_iter()
        .map(|(name, schema)| (name.to_owned(), schema))
        .collect()
}
