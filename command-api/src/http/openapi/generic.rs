//! The part of the document for an aggregate that supplies none: what the
//! `Aggregate` trait tells. Its commands are not listed (the trait does not
//! name them), so any command is one path with a `command` parameter, and
//! bodies are any object the aggregate's parser may accept or refuse.

use events::{Aggregate, DomainError};
use platform::openapi::error_response;
use serde_json::{Map, Value, json};

use super::aggregate_openapi::AggregateOpenApi;
use super::operation::{Operation, body, camel_case};
use super::operations::Nouns;

pub fn generic_openapi<A: Aggregate>() -> AggregateOpenApi {
    let type_name = camel_case(A::STREAM_TYPE, true);
    let body_schema = format!("{type_name}CommandBody");
    let accepted_schema = format!("{type_name}CommandAccepted");
    let nouns = Nouns {
        one: A::STREAM_TYPE,
        many: A::TOPIC_NAME,
        not_found: A::not_found().code(),
        accepted_schema: &accepted_schema,
    };
    let collection = format!("/v1/{}", A::TOPIC_NAME);

    let mut create = Operation {
        operation_id: &format!("create{type_name}"),
        summary: &format!("Create a {}", A::STREAM_TYPE),
        with_id: false,
        request_body: body(&body_schema, false),
        success: "201",
        conflicts: &[],
    }
    .path_item(&nouns);
    any_conflict(&mut create);
    let mut command = Operation {
        operation_id: &format!("command{type_name}"),
        summary: &format!("Run a command on the {}", A::STREAM_TYPE),
        with_id: true,
        request_body: body(&body_schema, false),
        success: "200",
        conflicts: &[],
    }
    .path_item(&nouns);
    any_conflict(&mut command);
    if let Some(parameters) = command["post"]["parameters"].as_array_mut() {
        parameters.insert(1, json!({ "name": "command", "in": "path", "required": true,
            "schema": { "type": "string" }, "description": "The command's name; an unknown one is 404 unknown_command." }));
    }

    let mut paths = Map::new();
    paths.insert(collection.clone(), create);
    paths.insert(format!("{collection}/{{id}}/{{command}}"), command);
    let mut schemas = Map::new();
    schemas.insert(
        body_schema,
        json!({ "type": ["object", "null"],
            "description": "The command's fields, as the aggregate's parser reads them." }),
    );
    let id_field = format!("{}_id", A::STREAM_TYPE);
    schemas.insert(
        accepted_schema.clone(),
        json!({
            "type": "object", "additionalProperties": false,
            "required": [id_field, "version", "position"],
            "properties": {
                id_field: { "type": "string", "format": "uuid" },
                "version": { "type": "integer", "minimum": 1 },
                "position": { "type": "string", "description": "Opaque read-your-writes token." }
            }
        }),
    );
    AggregateOpenApi {
        topic_name: A::TOPIC_NAME,
        stream_type: A::STREAM_TYPE,
        paths,
        schemas,
    }
}

/// The aggregate's domain rules are not known here: a 409 may carry any code.
fn any_conflict(path_item: &mut Value) {
    let mut conflict = error_response("Refused by a domain rule; the code names it.", &[]);
    conflict["content"]["application/json"]["schema"] =
        json!({ "$ref": "#/components/schemas/Error" });
    path_item["post"]["responses"]["409"] = conflict;
}
