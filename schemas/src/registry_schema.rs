//! What a schema registry holds for one event type at one version.
//!
//! A Kafka record's value is the whole envelope, not just its `data`, so the
//! registered schema must describe the envelope. It is `envelope.v1` with:
//! - `event_type`, `schema_version` and `stream_type` pinned with `const`, so a
//!   consumer validating a value against the schema its id names also checks
//!   that the producer picked the right schema;
//! - `data` replaced by the event's own schema, inlined rather than referenced
//!   through `$defs`/`$ref`: registries' compatibility checkers compare
//!   `properties` structurally and need not follow `$ref`, so a referenced
//!   `data` would hide exactly the changes the check is for;
//! - no `$id`: the registry id names it. Clients key compiled schemas by `$id`
//!   when there is one (schema_registry_converter does), and every registered
//!   version of a subject would share it;
//! - `$schema` draft-07 instead of the sources' 2020-12: Apicurio Registry's
//!   compatibility checker knows drafts 4, 6 and 7 only and answers a check
//!   against a 2020-12 (or 2019-09) version with HTTP 500 "could not determine
//!   version", so a command API could not restart against it. The documents
//!   use only keywords that mean the same in both drafts (`type`,
//!   `properties`, `required`, `additionalProperties`, `const`, `enum`,
//!   `items`, lengths, bounds, `pattern`, `format`); a test keeps it so.

use serde_json::{Map, Value, json};

use crate::{EventSchema, envelope_schema};

/// The JSON Schema dialect of every registry schema (see the module docs).
pub const REGISTRY_DIALECT: &str = "http://json-schema.org/draft-07/schema#";

/// The record name of an event type at a version, e.g. `task.TaskCreated.v2`.
/// It is the composed schema's `title`, which is what Confluent's
/// TopicRecordNameStrategy derives a JSON Schema subject from.
pub fn record_name(schema: &EventSchema) -> String {
    format!(
        "{}.{}.v{}",
        schema.stream_type, schema.event_type, schema.version
    )
}

/// The registry schema of `schema` (see the module docs), as JSON.
pub fn registry_schema(schema: &EventSchema) -> Value {
    let mut document: Value =
        serde_json::from_str(envelope_schema()).expect("envelope.v1 is JSON (tested)");
    let data: Value = serde_json::from_str(schema.json).expect("event schemas are JSON (tested)");

    if let Some(map) = document.as_object_mut() {
        map.remove("$id");
    }
    document["$schema"] = json!(REGISTRY_DIALECT);
    document["title"] = json!(record_name(schema));
    document["description"] = json!(format!(
        "An event envelope whose data is {} version {} (envelope.v1 with data inlined).",
        schema.event_type, schema.version
    ));
    let properties = &mut document["properties"];
    pin(&mut properties["event_type"], json!(schema.event_type));
    pin(&mut properties["schema_version"], json!(schema.version));
    pin(&mut properties["stream_type"], json!(schema.stream_type));
    properties["data"] = without_resource_keywords(data);
    document
}

/// Same as [`registry_schema`], as the compact text a registry is sent.
pub fn registry_schema_text(schema: &EventSchema) -> String {
    registry_schema(schema).to_string()
}

fn pin(property: &mut Value, value: Value) {
    property["const"] = value;
}

/// An embedded schema keeps its keywords but not `$schema`/`$id`: with them it
/// would become a schema resource of its own with its own base URI.
fn without_resource_keywords(schema: Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(key, _)| key != "$schema" && key != "$id")
                .collect::<Map<_, _>>(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{all, find};

    /// Keywords of the event schemas that draft-07 and 2020-12 read alike.
    const KEYWORDS_SHARED_WITH_DRAFT_07: &[&str] = &[
        "$schema",
        "$id",
        "title",
        "description",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "const",
        "enum",
        "items",
        "uniqueItems",
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "pattern",
        "format",
    ];

    fn validator(schema: &EventSchema) -> jsonschema::Validator {
        jsonschema::draft7::new(&registry_schema(schema)).expect("compiles")
    }

    /// Every keyword in `value` (property names under `properties` are names, not keywords).
    fn keywords(value: &Value, found: &mut std::collections::BTreeSet<String>) {
        if let Value::Object(map) = value {
            for (key, child) in map {
                found.insert(key.clone());
                match (key.as_str(), child) {
                    ("properties", Value::Object(properties)) => {
                        properties.values().for_each(|p| keywords(p, found))
                    }
                    ("const" | "enum", _) => {}
                    _ => keywords(child, found),
                }
            }
        }
    }

    fn renamed_envelope() -> Value {
        json!({
            "event_id": "01890a5d-ac96-774b-bcce-b302099a8057",
            "event_type": "TaskRenamed",
            "schema_version": 1,
            "stream_type": "task",
            "stream_id": "01890a5d-ac96-774b-bcce-b302099a8058",
            "version": 2,
            "occurred_at": "2024-05-01T12:34:56.000001Z",
            "command_id": "cmd-1",
            "correlation_id": "corr-1",
            "causation_id": "cause-1",
            "actor": "alice",
            "tenant_id": "acme",
            "data": { "title": "Write docs" }
        })
    }

    #[test]
    fn every_registry_schema_compiles_and_is_distinct() {
        let texts: std::collections::HashSet<String> =
            all().iter().map(registry_schema_text).collect();
        assert_eq!(texts.len(), all().len());
        for schema in all() {
            validator(schema);
        }
    }

    #[test]
    fn declares_draft_07_and_uses_only_keywords_that_mean_the_same_there() {
        for schema in all() {
            let document = registry_schema(schema);
            assert_eq!(document["$schema"], REGISTRY_DIALECT);
            let mut found = std::collections::BTreeSet::new();
            keywords(&document, &mut found);
            let foreign: Vec<_> = found
                .iter()
                .filter(|keyword| !KEYWORDS_SHARED_WITH_DRAFT_07.contains(&keyword.as_str()))
                .collect();
            assert!(foreign.is_empty(), "{}: {foreign:?}", record_name(schema));
        }
    }

    #[test]
    fn names_the_record_after_stream_type_event_and_version() {
        let schema = find("task", "TaskCreated", 2).unwrap();
        assert_eq!(record_name(schema), "task.TaskCreated.v2");
        assert_eq!(registry_schema(schema)["title"], "task.TaskCreated.v2");
    }

    #[test]
    fn accepts_an_envelope_of_its_event() {
        let schema = find("task", "TaskRenamed", 1).unwrap();
        assert!(validator(schema).is_valid(&renamed_envelope()));
    }

    #[test]
    fn checks_the_data_against_the_event_schema() {
        let schema = find("task", "TaskRenamed", 1).unwrap();
        let mut envelope = renamed_envelope();
        envelope["data"] = json!({ "name": "not a rename" });
        assert!(!validator(schema).is_valid(&envelope));
    }

    #[test]
    fn refuses_an_envelope_of_another_event_or_version() {
        let schema = find("task", "TaskRenamed", 1).unwrap();
        let mut other_type = renamed_envelope();
        other_type["event_type"] = json!("TaskArchived");
        other_type["data"] = json!({});
        let mut other_version = renamed_envelope();
        other_version["schema_version"] = json!(2);

        assert!(!validator(schema).is_valid(&other_type));
        assert!(!validator(schema).is_valid(&other_version));
    }

    #[test]
    fn neither_the_document_nor_its_data_is_a_named_resource() {
        let document = registry_schema(find("task", "TaskCreated", 2).unwrap());
        assert!(document.get("$id").is_none());
        assert!(document["properties"]["data"].get("$id").is_none());
        assert!(document["properties"]["data"].get("$schema").is_none());
        assert_eq!(document["properties"]["data"]["required"][0], "title");
    }
}
