//! The catalog of schema files agrees with the domain and with JSON Schema itself.

use std::collections::HashSet;

use events::project::{self, Project, ProjectEvent};
use events::task::{Task, TaskEvent, rules};
use events::testing::{one_project_event_of_each_type, one_task_event_of_each_type};
use events::{Aggregate, DecodeError, DomainEvent};
use serde_json::Value;

const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

fn parse(json: &str) -> Value {
    serde_json::from_str(json).expect("schema files are JSON")
}

fn every_schema_document() -> Vec<(String, Value)> {
    let mut documents = vec![("envelope.v1".to_owned(), parse(schemas::envelope_schema()))];
    for schema in schemas::all() {
        let name = format!(
            "{}/{}.v{}",
            schema.stream_type, schema.event_type, schema.version
        );
        documents.push((name, parse(schema.json)));
    }
    documents.push(("snapshot.v1".to_owned(), parse(schemas::snapshot_schema())));
    for schema in schemas::state_schemas() {
        let name = format!("{}/state.v{}", schema.stream_type, schema.state_version);
        documents.push((name, parse(schema.json)));
    }
    documents
}

/// (event type, current schema version) of every event an aggregate emits.
fn current_versions(stream_type: &str) -> Vec<(&'static str, u32)> {
    fn versions<E: DomainEvent>(events: Vec<E>) -> Vec<(&'static str, u32)> {
        let of = |event: &E| (event.event_type(), event.schema_version());
        events.iter().map(of).collect()
    }
    match stream_type {
        "task" => versions(one_task_event_of_each_type()),
        "project" => versions(one_project_event_of_each_type()),
        other => panic!("no aggregate has stream type {other:?}"),
    }
}

#[test]
fn every_event_type_has_a_schema_for_its_current_version() {
    for stream_type in [Task::STREAM_TYPE, Project::STREAM_TYPE] {
        for (event_type, version) in current_versions(stream_type) {
            assert!(
                schemas::find(stream_type, event_type, version).is_some(),
                "no schema file for {stream_type}/{event_type} v{version}"
            );
        }
    }
}

#[test]
fn every_schema_is_of_a_version_the_domain_can_decode() {
    for schema in schemas::all() {
        // The data may not fit the decoder, but type and version must be known.
        let outcome = match schema.stream_type {
            "task" => TaskEvent::decode(schema.event_type, schema.version, &Value::Null).map(drop),
            "project" => {
                ProjectEvent::decode(schema.event_type, schema.version, &Value::Null).map(drop)
            }
            other => panic!("{other:?} is no aggregate's stream type"),
        };
        assert!(
            matches!(outcome, Ok(_) | Err(DecodeError::InvalidData { .. })),
            "{} v{}: {outcome:?}",
            schema.event_type,
            schema.version
        );
    }
}

#[test]
fn every_file_is_a_valid_draft_2020_12_schema() {
    for (name, document) in every_schema_document() {
        assert_eq!(document["$schema"], DRAFT_2020_12, "{name}");
        if let Err(error) = jsonschema::draft202012::meta::validate(&document) {
            panic!("{name} breaks the meta-schema: {error}");
        }
        if let Err(error) = jsonschema::draft202012::new(&document) {
            panic!("{name} does not compile: {error}");
        }
    }
}

#[test]
fn every_file_is_documented_closed_and_identified() {
    let mut ids = HashSet::new();
    for (name, document) in every_schema_document() {
        let id = document["$id"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} has no $id"));
        assert!(
            id.ends_with(&format!("/{name}.schema.json")),
            "{name}: $id {id}"
        );
        assert!(ids.insert(id.to_owned()), "{name}: duplicate $id");
        assert!(document["title"].is_string(), "{name} has no title");
        assert!(
            document["description"].is_string(),
            "{name} has no description"
        );
        assert_eq!(document["type"], "object", "{name}");
        assert_eq!(document["additionalProperties"], false, "{name}");
    }
}

#[test]
fn catalog_entries_are_unique() {
    let mut seen = HashSet::new();
    for schema in schemas::all() {
        assert!(
            seen.insert((schema.stream_type, schema.event_type, schema.version)),
            "{schema:?}"
        );
    }
}

#[test]
fn schema_titles_name_type_and_version() {
    for schema in schemas::all() {
        let title = format!("{} v{}", schema.event_type, schema.version);
        assert_eq!(parse(schema.json)["title"], title.as_str());
    }
    for schema in schemas::state_schemas() {
        let title = format!("{} state v{}", schema.stream_type, schema.state_version);
        assert_eq!(parse(schema.json)["title"], title.as_str());
    }
}

#[test]
fn state_catalog_entries_are_unique_and_of_known_aggregates() {
    let mut seen = HashSet::new();
    for schema in schemas::state_schemas() {
        assert!(
            [Task::STREAM_TYPE, Project::STREAM_TYPE].contains(&schema.stream_type),
            "{schema:?}"
        );
        assert!(
            seen.insert((schema.stream_type, schema.state_version)),
            "{schema:?}"
        );
    }
}

/// The length limits in the schemas are the domain's, so neither can drift alone.
#[test]
fn limits_match_the_domain_rules() {
    for schema in schemas::all() {
        let expected = |property: &str| match (schema.stream_type, property) {
            ("task", "title") => Some((1, rules::TITLE_MAX_CHARS)),
            ("task", "assignee") => Some((1, rules::ASSIGNEE_MAX_CHARS)),
            ("task", "tag") => Some((1, rules::TAG_MAX_CHARS)),
            ("task", "description") => Some((0, rules::DESCRIPTION_MAX_CHARS)),
            ("project", "name") => Some((1, project::rules::NAME_MAX_CHARS)),
            ("project", "member") => Some((1, project::rules::MEMBER_MAX_CHARS)),
            ("project", "description") => Some((0, project::rules::DESCRIPTION_MAX_CHARS)),
            _ => None,
        };
        let document = parse(schema.json);
        let properties = document["properties"].as_object().unwrap();
        for (property, definition) in properties {
            if let Some((min, max)) = expected(property) {
                assert_eq!(definition["maxLength"], max, "{schema:?} {property}");
                let declared_min = definition["minLength"].as_u64().unwrap_or(0) as usize;
                assert!(
                    declared_min <= 1 && declared_min >= min,
                    "{schema:?} {property}"
                );
            }
            if property == "tags" {
                assert_eq!(definition["maxItems"], rules::MAX_TAGS);
                assert_eq!(definition["items"]["maxLength"], rules::TAG_MAX_CHARS);
                assert_eq!(definition["uniqueItems"], true);
            }
            if property == "priority" {
                let values: Vec<&str> = events::task::Priority::ALL
                    .iter()
                    .map(|p| p.as_str())
                    .collect();
                assert_eq!(definition["enum"], serde_json::json!(values), "{schema:?}");
            }
        }
    }
}
