//! The document against the OpenAPI 3.1 schema, and its bodies against the
//! parser they describe: what a body schema accepts is what
//! `events::parse_command` (the routes' parser) accepts, for every mounted
//! aggregate (tasks and projects).

use std::collections::{BTreeSet, HashMap};

use events::project::{Project, ProjectCommand, ProjectError};
use events::task::TaskCommand;
use events::{Aggregate, DomainError, ErrorKind, Task};
use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;

/// One aggregate of the document, as these tests walk it.
#[derive(Clone, Copy)]
struct Part {
    /// `Aggregate::TOPIC_NAME`: the paths are `/v1/<topic>...`.
    topic: &'static str,
    /// The key of a create body that the route takes out before parsing.
    id_field: &'static str,
    /// Every command name the parser accepts.
    names: &'static [&'static str],
    parses: fn(&str, Value) -> bool,
}

fn parses<A: Aggregate>(command: &str, body: Value) -> bool {
    events::parse_command::<A>(command, body).is_ok()
}

const TASKS: Part = Part {
    topic: Task::TOPIC_NAME,
    id_field: "task_id",
    names: &TaskCommand::NAMES,
    parses: parses::<Task>,
};

const PROJECTS: Part = Part {
    topic: Project::TOPIC_NAME,
    id_field: "project_id",
    names: &ProjectCommand::NAMES,
    parses: parses::<Project>,
};

const PARTS: [Part; 2] = [TASKS, PROJECTS];

impl Part {
    fn path(&self, command: &str) -> String {
        match command {
            "create" => format!("/v1/{}", self.topic),
            _ => format!("/v1/{}/{{id}}/{command}", self.topic),
        }
    }

    fn operation(&self, command: &str) -> &'static Value {
        &openapi_document()["paths"][&self.path(command)]["post"]
    }
}

#[test]
fn the_document_is_valid_openapi_3_1_and_every_ref_resolves() {
    if let Err(problems) = schemas::openapi::check_document(openapi_document()) {
        panic!("{} problems:\n{}", problems.len(), problems.join("\n"));
    }
}

#[test]
fn every_command_has_exactly_one_path() {
    let paths = openapi_document()["paths"].as_object().unwrap();
    for part in PARTS {
        for name in part.names {
            let path = part.path(name);
            assert!(paths[&path]["post"].is_object(), "{path}");
        }
    }
    // Besides the commands, only the operators' /v1/instances.
    let documented = paths
        .keys()
        .filter(|path| path.starts_with("/v1/") && *path != "/v1/instances")
        .count();
    let commands: usize = PARTS.iter().map(|part| part.names.len()).sum();
    assert_eq!(documented, commands);
}

/// The command name and the schema of the body its path documents.
fn body_schemas(part: Part) -> Vec<(&'static str, Value)> {
    part.names
        .iter()
        .map(|&name| {
            let reference = part.operation(name)["requestBody"]["content"]["application/json"]
                ["schema"]["$ref"]
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
        PARTS
            .into_iter()
            .flat_map(body_schemas)
            .map(|(_, pointer)| pointer.as_str().unwrap().to_owned())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|pointer| {
                let validator =
                    schemas::openapi::compile_in_place(openapi_document(), &pointer).unwrap();
                (pointer, validator)
            })
            .collect()
    });

fn schema_accepts(pointer: &Value, body: &Value) -> bool {
    VALIDATORS[pointer.as_str().unwrap()].is_valid(body)
}

/// `create` bodies carry the stream's id (`task_id`, `project_id`), which
/// the route takes out before parsing.
fn parser_accepts(part: Part, command: &str, body: &Value) -> bool {
    let mut body = body.clone();
    if command == "create"
        && let Some(fields) = body.as_object_mut()
        && let Some(id) = fields.remove(part.id_field)
        && !(id.is_null()
            || id
                .as_str()
                .is_some_and(|id| uuid::Uuid::parse_str(id).is_ok()))
    {
        return false;
    }
    (part.parses)(command, body)
}

fn assert_agree(part: Part, command: &str, schema: &Value, body: Value) {
    assert_eq!(
        schema_accepts(schema, &body),
        parser_accepts(part, command, &body),
        "{} {command} {body}: the schema and the parser disagree (schema accepts = left)",
        part.topic
    );
}

#[test]
fn required_keys_are_the_parsers() {
    for part in PARTS {
        for (command, schema) in body_schemas(part) {
            assert_agree(part, command, &schema, json!({}));
            assert_agree(part, command, &schema, Value::Null);
            assert_agree(part, command, &schema, json!({ "unknown": 1 }));
        }
    }
    let task_bodies = [
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
    let project_bodies = [
        ("create", json!({ "name": "n" })),
        (
            "create",
            json!({ "name": "n", "project_id": null, "description": null }),
        ),
        (
            "create",
            json!({ "name": "n", "description": "two\nlines", "project_id": uuid::Uuid::now_v7() }),
        ),
        ("create", json!({ "name": "n", "description": "  " })),
        ("create", json!({ "name": "n", "project_id": "nope" })),
        ("create", json!({ "name": "n", "project_id": 7 })),
        ("create", json!({ "name": null })),
        ("create", json!({ "name": "n", "title": "t" })),
        ("create", json!({ "description": "d" })),
        ("create", json!([])),
        ("rename", json!({ "name": null })),
        ("rename", json!({ "name": "n", "description": "d" })),
        ("rename", json!({ "title": "t" })),
        ("archive", json!({ "force": true })),
        ("restore", json!([])),
        ("add-member", json!({ "member": null })),
        ("add-member", json!({ "member": 3 })),
        ("add-member", json!({ "member": "ada", "role": "owner" })),
        ("remove-member", json!({ "members": ["ada"] })),
    ];
    for (part, bodies) in [(TASKS, &task_bodies[..]), (PROJECTS, &project_bodies[..])] {
        let schemas: HashMap<_, _> = body_schemas(part).into_iter().collect();
        for (command, body) in bodies {
            assert_agree(part, command, &schemas[command], body.clone());
        }
    }
}

#[test]
fn create_folds_duplicate_tags_and_bounds_distinct_ones() {
    let schemas: HashMap<_, _> = body_schemas(TASKS).into_iter().collect();
    let distinct: Vec<String> = (0..=events::task::rules::MAX_TAGS)
        .map(|i| format!("t{i}"))
        .collect();
    assert_agree(
        TASKS,
        "create",
        &schemas["create"],
        json!({ "title": "t", "tags": distinct }),
    );
    assert_agree(
        TASKS,
        "create",
        &schemas["create"],
        json!({ "title": "t", "tags": &distinct[1..] }),
    );
}

#[test]
fn a_description_at_the_limit_is_accepted_and_one_beyond_refused() {
    let schemas: HashMap<_, _> = body_schemas(PROJECTS).into_iter().collect();
    let limit = events::project::rules::DESCRIPTION_MAX_CHARS;
    for length in [limit, limit + 1] {
        assert_agree(
            PROJECTS,
            "create",
            &schemas["create"],
            json!({ "name": "n", "description": "d".repeat(length) }),
        );
    }
}

/// Every project rule the decider can break is documented where a command
/// can break it, with the status the error contract gives its kind: 400
/// invalid_field for a field rule, 404 for not found, 409 for a conflict.
#[test]
fn every_project_rule_is_documented_with_its_status() {
    let all = [
        ProjectError::InvalidName,
        ProjectError::InvalidDescription,
        ProjectError::InvalidMember,
        ProjectError::ProjectNotFound,
        ProjectError::ProjectAlreadyExists,
        ProjectError::ProjectArchived,
        ProjectError::ProjectAlreadyArchived,
        ProjectError::ProjectNotArchived,
        ProjectError::MemberLimitReached,
    ];
    let codes = |part: Part, command: &str, status: &str| -> Vec<String> {
        let response = &part.operation(command)["responses"][status];
        response["content"]["application/json"]["schema"]["properties"]["error"]["properties"]
            ["code"]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{command} documents no {status}"))
            .iter()
            .map(|code| code.as_str().unwrap().to_owned())
            .collect()
    };
    for error in all {
        let code = error.code();
        let documented = |status: &str| {
            PROJECTS
                .names
                .iter()
                .filter(|command| codes(PROJECTS, command, status).iter().any(|c| c == code))
                .count()
        };
        match error.kind() {
            ErrorKind::Invalid { .. } => {
                for command in PROJECTS.names {
                    let bad_request = codes(PROJECTS, command, "400");
                    assert!(
                        bad_request.iter().any(|c| c == "invalid_field"),
                        "{command}"
                    );
                }
            }
            ErrorKind::NotFound => assert_eq!(documented("404"), PROJECTS.names.len(), "{code}"),
            ErrorKind::Conflict => {
                assert!(documented("409") > 0, "{code} is in no 409");
                assert_eq!(documented("404"), 0, "{code}");
            }
        }
    }
    let conflicts = |command: &str| codes(PROJECTS, command, "409");
    assert_eq!(conflicts("create"), ["project_already_exists"]);
    assert_eq!(conflicts("archive"), ["project_already_archived"]);
    assert_eq!(conflicts("restore"), ["project_not_archived"]);
    assert_eq!(
        conflicts("add-member"),
        ["project_archived", "member_limit_reached"]
    );
    for command in ["rename", "remove-member"] {
        assert_eq!(conflicts(command), ["project_archived"], "{command}");
    }
    let add_member = PROJECTS.operation("add-member")["summary"]
        .as_str()
        .unwrap();
    let limit = events::project::rules::MAX_MEMBERS.to_string();
    assert!(add_member.contains(&limit), "{add_member}");
    for status in ["400", "412", "422", "503"] {
        assert_eq!(
            codes(PROJECTS, "rename", status),
            codes(TASKS, "rename", status),
            "projects answer {status} as tasks do"
        );
    }
}

/// Project commands answer with the same statuses and headers as task ones.
#[test]
fn project_operations_have_the_task_operations_statuses_and_headers() {
    let keys = |operation: &Value, field: &str| -> Vec<String> {
        match &operation[field] {
            Value::Object(map) => map.keys().cloned().collect(),
            Value::Array(items) => items
                .iter()
                .map(|item| item["name"].as_str().unwrap().to_owned())
                .collect(),
            other => panic!("{field}: {other}"),
        }
    };
    for (task, project) in [
        ("create", "create"),
        ("rename", "rename"),
        ("archive", "archive"),
    ] {
        let (task, project) = (TASKS.operation(task), PROJECTS.operation(project));
        assert_eq!(keys(project, "responses"), keys(task, "responses"));
        assert_eq!(keys(project, "parameters"), keys(task, "parameters"));
        for name in ["If-Match", "Idempotency-Key"] {
            assert!(keys(project, "parameters").iter().any(|p| p == name));
        }
    }
}

/// The parts are put together by extending one map: a name both define must
/// mean the same, and only `NoFields` is shared. Operation ids are unique.
#[test]
fn the_parts_do_not_collide() {
    let (tasks, projects) = (task_openapi(), project_openapi());
    for (name, schema) in &projects.schemas {
        if let Some(task_schema) = tasks.schemas.get(name) {
            assert_eq!(name, "NoFields");
            assert_eq!(schema, task_schema, "{name}");
        }
    }
    assert!(
        tasks
            .paths
            .keys()
            .all(|path| !projects.paths.contains_key(path))
    );
    let mut ids = BTreeSet::new();
    for item in openapi_document()["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            if let Some(id) = operation["operationId"].as_str() {
                assert!(ids.insert(id.to_owned()), "operationId {id} twice");
            }
        }
    }
}

/// What `command_response` writes for a project (the handler's 200 and 201
/// body) is what `ProjectCommandAccepted` describes, and nothing else.
#[test]
fn an_accepted_project_command_is_what_its_schema_says() {
    let outcome = crate::writer::CommandOutcome {
        stream_id: uuid::Uuid::now_v7(),
        version: 3,
        position: Some(platform::position::Position {
            topic: "events.projects".into(),
            partition: 1,
            offset: 42,
        }),
        created: false,
        replayed: false,
    };
    let response = crate::http::response::command_response::<Project>(&outcome);
    assert_eq!(response.status(), 200);
    let body = futures::executor::block_on(actix_web::body::to_bytes(response.into_body()))
        .unwrap_or_else(|_| panic!("a body"));
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        body,
        json!({ "project_id": outcome.stream_id, "version": 3, "position": "events.projects:1:42" })
    );
    for (command, status) in [("create", "201"), ("rename", "200"), ("add-member", "200")] {
        let reference = PROJECTS.operation(command)["responses"][status]["content"]
            ["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap();
        assert_eq!(reference, "#/components/schemas/ProjectCommandAccepted");
        let validator = schemas::openapi::compile_in_place(
            openapi_document(),
            reference.trim_start_matches('#'),
        )
        .unwrap();
        assert!(validator.is_valid(&body), "{command}");
        let mut extra = body.clone();
        extra["task_id"] = body["project_id"].clone();
        assert!(!validator.is_valid(&extra), "{command}: no other key");
    }
}

/// Characters around every text rule: spaces the service trims, control
/// characters (the allowed ones of multi-line text among them), wide ones;
/// lengths around the limits of 100 and 200 characters.
fn text() -> impl Strategy<Value = String> {
    let character = prop_oneof![
        4 => proptest::char::range('a', 'z'),
        2 => Just(' '),
        1 => prop::sample::select(vec!['\u{3000}', '\u{a0}', '\u{2028}', '\u{feff}', 'é', '😀', '\u{200b}']),
        1 => prop::sample::select(vec!['\0', '\t', '\n', '\r', '\u{b}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}']),
    ];
    prop_oneof![
        proptest::collection::vec(character.clone(), 0..8),
        proptest::collection::vec(character.clone(), 95..105),
        proptest::collection::vec(character, 195..205),
    ]
    .prop_map(|characters| characters.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn text_patterns_are_the_domain_rules(text in text()) {
        for (part, command, body) in [
            (TASKS, "rename", json!({ "title": text })),
            (TASKS, "create", json!({ "title": text })),
            (TASKS, "create", json!({ "title": "t", "assignee": text })),
            (TASKS, "create", json!({ "title": "t", "tags": [text] })),
            (TASKS, "create", json!({ "title": "t", "description": text })),
            (TASKS, "change-description", json!({ "description": text })),
            (TASKS, "assign", json!({ "assignee": text })),
            (TASKS, "add-tag", json!({ "tag": text })),
            (TASKS, "remove-tag", json!({ "tag": text })),
            (PROJECTS, "create", json!({ "name": text })),
            (PROJECTS, "create", json!({ "name": "n", "description": text })),
            (PROJECTS, "rename", json!({ "name": text })),
            (PROJECTS, "add-member", json!({ "member": text })),
            (PROJECTS, "remove-member", json!({ "member": text })),
        ] {
            let schemas: HashMap<_, _> = body_schemas(part).into_iter().collect();
            prop_assert_eq!(
                schema_accepts(&schemas[command], &body),
                parser_accepts(part, command, &body),
                "{} {} {}", part.topic, command, body
            );
        }
    }
}
