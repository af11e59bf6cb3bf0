//! The request and response bodies of the project commands, as
//! `events/src/project/parse.rs` reads them: unknown keys are refused
//! (`additionalProperties: false`), a key the parser requires is `required`
//! here, and the text rules of each field (`events::project::rules`) are
//! patterns (see `platform::openapi::text`). The names do not collide with
//! the task part's, except `NoFields`, which both parts define alike.

use events::project::rules;
use platform::openapi::text::{multi_line, single_line};
use serde_json::{Map, Value, json};

use super::operation::no_fields;

fn nullable(schema: Value) -> Value {
    json!({ "anyOf": [schema, { "type": "null" }] })
}

fn name() -> Value {
    single_line(rules::NAME_MAX_CHARS, "The project's name")
}

fn description() -> Value {
    multi_line(rules::DESCRIPTION_MAX_CHARS, "The description")
}

fn member() -> Value {
    single_line(
        rules::MEMBER_MAX_CHARS,
        "A member: the subject (`sub` claim) of the identity provider",
    )
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({ "type": "object", "additionalProperties": false, "required": required, "properties": properties })
}

/// The project part's `components.schemas`.
pub fn schemas() -> Map<String, Value> {
    let schemas = [
        ("CreateProject", {
            let mut create = object(
                &["name"],
                json!({
                    "project_id": nullable(json!({ "type": "string", "format": "uuid",
                        "description": "Chosen by the client; without it the id is derived from the Idempotency-Key (UUIDv5 of tenant and key) when one is sent, else a new UUIDv7." })),
                    "name": name(),
                    "description": nullable(description()),
                }),
            );
            create["description"] = json!("`null` is the same as leaving a key out.");
            create
        }),
        (
            "RenameProject",
            object(&["name"], json!({ "name": name() })),
        ),
        ("Member", {
            let mut body = object(&["member"], json!({ "member": member() }));
            body["description"] = json!(format!(
                "Adding a member who is in, or removing one who is not, changes nothing (200, the current version). A project has at most {} members.",
                rules::MAX_MEMBERS
            ));
            body
        }),
        ("NoFields", no_fields()),
        (
            "ProjectCommandAccepted",
            json!({
                "type": "object", "additionalProperties": false,
                "required": ["project_id", "version", "position"],
                "properties": {
                    "project_id": { "type": "string", "format": "uuid" },
                    "version": { "type": "integer", "minimum": 1, "description": "The project's version after the command (also the ETag)." },
                    "position": { "type": "string", "description": "Opaque read-your-writes token: the position of the project's last event on its topic. Do not parse it." }
                }
            }),
        ),
    ];
    schemas
        .into_iter()
        .map(|(name, schema)| (name.to_owned(), schema))
        .collect()
}
