//! The document against the OpenAPI 3.1 schema, and its bodies against the
//! parser they describe: what a body schema accepts is what
//! `events::parse_command` (the routes' parser) accepts.

use std::collections::HashMap;

use events::Task;
use events::task::TaskCommand;
use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;

#[test]
fn the_document_is_valid_openapi_3_1_and_every_ref_resolves() {
    if let Err(problems) = schemas::openapi::check_document(openapi_document()) {
        panic!("{} problems:\n{}", problems.len(), problems.join("\n"));
    }
}

#[test]
fn every_command_has_exactly_one_path() {
    let paths = openapi_document()["paths"].as_object().unwrap();
    for name in TaskCommand::NAMES {
        let path = match name {
            "create" => "/v1/tasks".to_owned(),
            _ => format!("/v1/tasks/{{id}}/{name}"),
        };
        assert!(paths[&path]["post"].is_object(), "{path}");
    }
    let documented = paths.keys().filter(|path| path.starts_with("/v1/")).count();
    assert_eq!(documented, TaskCommand::NAMES.len());
}

/// The command name and the schema of the body its path documents.
fn body_schemas() -> Vec<(&'static str, Value)> {
    TaskCommand::NAMES
        .iter()
        .map(|&name| {
            let path = match name {
                "create" => "/v1/tasks".to_owned(),
                _ => format!("/v1/tasks/{{id}}/{name}"),
            };
            let reference = openapi_document()["paths"][&path]["post"]["requestBody"]["content"]
                ["application/json"]["schema"]["$ref"]
                .as_str()
                .unwrap()
                .to_owned();
            (name, json!(reference.trim_start_matches('#')))
        })
        .collect()
}

/// Compiled once per body schema: compiling clones the whole document.
static VALIDATORS: std::sync::LazyLock<HashMap<String, jsonschema::Validator>> =
    std::sync::LazyLock::new(|| {
        body_schemas()
            .into_iter()
            .map(|(_, pointer)| {
                let pointer = pointer.as_str().unwrap().to_owned();
                let validator =
                    schemas::openapi::compile_in_place(openapi_document(), &pointer).unwrap();
                (pointer, validator)
            })
            .collect()
    });

fn schema_accepts(pointer: &Value, body: &Value) -> bool {
    VALIDATORS[pointer.as_str().unwrap()].is_valid(body)
}

/// `create` bodies carry `task_id`, which the route takes out before parsing.
fn parser_accepts(command: &str, body: &Value) -> bool {
    let mut body = body.clone();
    if command == "create"
        && let Some(fields) = body.as_object_mut()
        && let Some(id) = fields.remove("task_id")
        && !(id.is_null()
            || id
                .as_str()
                .is_some_and(|id| uuid::Uuid::parse_str(id).is_ok()))
    {
        return false;
    }
    events::parse_command::<Task>(command, body).is_ok()
}

fn assert_agree(command: &str, schema: &Value, body: Value) {
    assert_eq!(
        schema_accepts(schema, &body),
        parser_accepts(command, &body),
        "{command} {body}: the schema and the parser disagree (schema accepts = left)"
    );
}

#[test]
fn required_keys_are_the_parsers() {
    for (command, schema) in body_schemas() {
        assert_agree(command, &schema, json!({}));
        assert_agree(command, &schema, Value::Null);
        assert_agree(command, &schema, json!({ "unknown": 1 }));
    }
    let bodies = [
        ("create", json!({ "title": "t" })),
        (
            "create",
            json!({ "title": "t", "task_id": null, "description": null, "priority": null, "due_date": null, "assignee": null, "tags": null }),
        ),
        (
            "create",
            json!({ "title": "t", "priority": "urgent", "due_date": "2030-02-28", "assignee": "ann", "tags": ["a", "b"], "task_id": uuid::Uuid::now_v7() }),
        ),
        ("create", json!({ "title": "t", "due_date": "2030-02-30" })),
        ("create", json!({ "title": "t", "due_date": "2030-2-3" })),
        ("create", json!({ "title": "t", "priority": "HIGH" })),
        ("create", json!({ "title": "t", "task_id": "nope" })),
        ("create", json!({ "title": null })),
        ("change-description", json!({ "description": null })),
        ("change-description", json!({ "description": "  " })),
        ("reschedule", json!({ "due_date": null })),
        ("reschedule", json!({ "due_date": "2030-01-01" })),
        ("change-priority", json!({ "priority": null })),
        ("change-priority", json!({ "priority": "low" })),
        ("assign", json!({ "assignee": null })),
        ("add-tag", json!({ "tag": 3 })),
        ("complete", json!({ "force": true })),
    ];
    let schemas: HashMap<_, _> = body_schemas().into_iter().collect();
    for (command, body) in bodies {
        assert_agree(command, &schemas[command], body);
    }
}

#[test]
fn create_folds_duplicate_tags_and_bounds_distinct_ones() {
    let schemas: HashMap<_, _> = body_schemas().into_iter().collect();
    let distinct: Vec<String> = (0..=events::task::rules::MAX_TAGS)
        .map(|i| format!("t{i}"))
        .collect();
    assert_agree(
        "create",
        &schemas["create"],
        json!({ "title": "t", "tags": distinct }),
    );
    assert_agree(
        "create",
        &schemas["create"],
        json!({ "title": "t", "tags": &distinct[1..] }),
    );
}

/// Characters around every text rule: spaces the service trims, control
/// characters (the allowed ones of multi-line text among them), wide ones.
fn text() -> impl Strategy<Value = String> {
    let character = prop_oneof![
        4 => proptest::char::range('a', 'z'),
        2 => Just(' '),
        1 => prop::sample::select(vec!['\u{3000}', '\u{a0}', '\u{2028}', '\u{feff}', 'é', '😀', '\u{200b}']),
        1 => prop::sample::select(vec!['\0', '\t', '\n', '\r', '\u{b}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}']),
    ];
    prop_oneof![
        proptest::collection::vec(character.clone(), 0..8),
        proptest::collection::vec(character, 195..205),
    ]
    .prop_map(|characters| characters.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn text_patterns_are_the_domain_rules(text in text()) {
        let schemas: HashMap<_, _> = body_schemas().into_iter().collect();
        for (command, body) in [
            ("rename", json!({ "title": text })),
            ("create", json!({ "title": text })),
            ("create", json!({ "title": "t", "assignee": text })),
            ("create", json!({ "title": "t", "tags": [text] })),
            ("create", json!({ "title": "t", "description": text })),
            ("change-description", json!({ "description": text })),
            ("assign", json!({ "assignee": text })),
            ("add-tag", json!({ "tag": text })),
            ("remove-tag", json!({ "tag": text })),
        ] {
            prop_assert_eq!(
                schema_accepts(&schemas[command], &body),
                parser_accepts(command, &body),
                "{} {}", command, body
            );
        }
    }
}
