//! Every snapshot the write side can produce validates against `snapshot.v1` and the
//! state schema of its aggregate; broken ones are refused, each for the right reason;
//! and the schemas name exactly the fields serde writes.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use events::project::{self, Project, ProjectStatus};
use events::task::{Priority, Task, TaskEvent, TaskStatus, rules};
use events::testing::{occurred_at, project_command_sequence, task_command_sequence};
use events::{Aggregate, DomainEvent, SNAPSHOT_FORMAT, Snapshot, SnapshotCommand};
use proptest::prelude::*;
use schemas::{SnapshotSchemaError, validate_snapshot};
use serde_json::{Value, json};
use uuid::Uuid;

fn keyed_command(version: u64, recorded_at: DateTime<Utc>) -> SnapshotCommand {
    SnapshotCommand {
        key: "0190f5a8-7c3e-7d2a-9c1b-2f6e8a4b5c6d".into(),
        fingerprint: "cbf29ce484222325".into(),
        version,
        last_offset: 41,
        created: version == 1,
        recorded_at,
    }
}

/// The snapshot of `aggregate` at `version` as the command API's writer builds it,
/// as JSON on the wire.
fn wire_snapshot<A: Aggregate>(
    aggregate: &A,
    version: u64,
    commands: Vec<SnapshotCommand>,
) -> Value {
    let snapshot = Snapshot {
        snapshot_format: SNAPSHOT_FORMAT,
        stream_type: A::STREAM_TYPE.to_owned(),
        stream_id: Uuid::now_v7(),
        tenant_id: "acme".into(),
        version,
        first_offset: 0,
        last_offset: 41 + version as i64,
        state_version: A::STATE_VERSION,
        state: Snapshot::of(aggregate).expect("states serialize"),
        commands,
    };
    serde_json::from_slice(&snapshot.to_bytes()).expect("snapshots are JSON")
}

fn created_task() -> Task {
    events::fold::<Task>([TaskEvent::Created(events::task::TaskCreated {
        title: "Write the snapshot schema".into(),
        description: Some("two\nlines".into()),
        priority: Priority::High,
        due_date: chrono::NaiveDate::from_ymd_opt(2030, 1, 31),
        assignee: Some("ada".into()),
        tags: vec!["docs".into(), "schemas".into()],
        project_id: Some(Uuid::now_v7()),
    })])
}

/// A valid snapshot of a task, changed by `break_it`.
fn broken(break_it: impl FnOnce(&mut Value)) -> Value {
    let mut snapshot = wire_snapshot(&created_task(), 1, vec![keyed_command(1, Utc::now())]);
    assert_eq!(validate_snapshot(&snapshot), Ok(()), "starts valid");
    break_it(&mut snapshot);
    snapshot
}

#[track_caller]
fn assert_invalid_snapshot(snapshot: &Value, path: &str) {
    match validate_snapshot(snapshot) {
        Err(SnapshotSchemaError::InvalidSnapshot(violations)) => assert!(
            violations.iter().any(|v| v.instance_path == path),
            "expected a violation at {path:?}, got {violations:?}"
        ),
        other => panic!("expected InvalidSnapshot at {path:?}, got {other:?}"),
    }
}

#[track_caller]
fn assert_invalid_state(snapshot: &Value, path: &str) {
    match validate_snapshot(snapshot) {
        Err(SnapshotSchemaError::InvalidState { violations, .. }) => assert!(
            violations.iter().any(|v| v.instance_path == path),
            "expected a violation at {path:?}, got {violations:?}"
        ),
        other => panic!("expected InvalidState at {path:?}, got {other:?}"),
    }
}

fn keyed_commands() -> impl Strategy<Value = Vec<SnapshotCommand>> {
    let command = (
        "[!-~]{1,255}",
        "[0-9a-f]{16}",
        1u64..=1_000_000,
        0i64..=i64::MAX,
        any::<bool>(),
        occurred_at(),
    )
        .prop_map(
            |(key, fingerprint, version, last_offset, created, recorded_at)| SnapshotCommand {
                key,
                fingerprint,
                version,
                last_offset,
                created,
                recorded_at,
            },
        );
    proptest::collection::vec(command, 0..4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The state after every command `decide` accepts, as the writer snapshots it.
    #[test]
    fn every_reachable_task_state_validates(
        commands in task_command_sequence(40),
        keyed in keyed_commands(),
    ) {
        let mut state = Task::default();
        let mut version = 0;
        for command in &commands {
            let Ok(events) = events::task::decide(&state, command) else { continue };
            if events.is_empty() {
                continue;
            }
            version += events.len() as u64;
            state = events.iter().fold(state, events::task::evolve);
            let snapshot = wire_snapshot(&state, version, keyed.clone());
            prop_assert_eq!(validate_snapshot(&snapshot), Ok(()), "{}", snapshot);
        }
    }

    #[test]
    fn every_reachable_project_state_validates(
        commands in project_command_sequence(60),
        keyed in keyed_commands(),
    ) {
        let mut state = Project::default();
        let mut version = 0;
        for command in &commands {
            let Ok(events) = project::decide(&state, command) else { continue };
            if events.is_empty() {
                continue;
            }
            version += events.len() as u64;
            state = events.iter().fold(state, project::evolve);
            let snapshot = wire_snapshot(&state, version, keyed.clone());
            prop_assert_eq!(validate_snapshot(&snapshot), Ok(()), "{}", snapshot);
        }
    }
}

#[test]
fn the_generated_project_sequences_reach_every_event_type() {
    // Guards the property above against a strategy that stops reaching a state.
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let mut seen = BTreeSet::new();
    for _ in 0..300 {
        let commands = project_command_sequence(60)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let mut state = Project::default();
        for command in &commands {
            let Ok(events) = project::decide(&state, command) else {
                continue;
            };
            seen.extend(events.iter().map(DomainEvent::event_type));
            state = events.iter().fold(state, project::evolve);
        }
    }
    assert_eq!(
        seen,
        events::ProjectEvent::EVENT_TYPES.into_iter().collect()
    );
}

#[test]
fn a_stream_snapshotted_before_its_creation_validates() {
    // A restore snapshots a stream whose first event it could not decode as the
    // default state: `created` false, empty title or name.
    let task = wire_snapshot(&Task::default(), 1, vec![]);
    let project = wire_snapshot(&Project::default(), 1, vec![]);
    assert_eq!(validate_snapshot(&task), Ok(()));
    assert_eq!(validate_snapshot(&project), Ok(()));
}

#[test]
fn a_task_created_by_a_legacy_v1_event_validates() {
    // TaskCreated v1 allowed an empty description; the state keeps it.
    let legacy = json!({ "title": "Legacy", "description": "", "due_date": null });
    let created = TaskEvent::decode("TaskCreated", 1, &legacy).unwrap();
    let task = events::fold::<Task>([created]);
    assert_eq!(task.description.as_deref(), Some(""));
    assert_eq!(validate_snapshot(&wire_snapshot(&task, 1, vec![])), Ok(()));
}

#[test]
fn a_task_state_without_project_id_validates_and_reads_as_in_no_project() {
    let mut snapshot = wire_snapshot(&created_task(), 1, vec![]);
    snapshot["state"]
        .as_object_mut()
        .unwrap()
        .remove("project_id");
    assert_eq!(validate_snapshot(&snapshot), Ok(()));
    let read: Task = serde_json::from_value(snapshot["state"].clone()).unwrap();
    assert_eq!(read.project_id, None);
}

#[test]
fn a_snapshot_with_a_field_of_the_wrong_type_is_refused() {
    assert_invalid_snapshot(&broken(|s| s["version"] = json!("1")), "/version");
    assert_invalid_snapshot(&broken(|s| s["stream_id"] = json!("42")), "/stream_id");
    assert_invalid_snapshot(&broken(|s| s["first_offset"] = json!(-1)), "/first_offset");
    assert_invalid_snapshot(&broken(|s| s["tenant_id"] = json!("")), "/tenant_id");
    assert_invalid_snapshot(&broken(|s| s["state"] = json!([])), "/state");
    assert_invalid_snapshot(
        &broken(|s| s["snapshot_format"] = json!(2)),
        "/snapshot_format",
    );
    assert_invalid_snapshot(
        &broken(|s| s["commands"][0]["fingerprint"] = json!("not hex")),
        "/commands/0/fingerprint",
    );
    assert_invalid_snapshot(
        &broken(|s| s["commands"][0]["recorded_at"] = json!("2026-12-01T11:00:00+01:00")),
        "/commands/0/recorded_at",
    );
    assert_invalid_snapshot(
        &broken(|s| s["commands"][0]["created"] = json!("yes")),
        "/commands/0/created",
    );
}

#[test]
fn a_snapshot_with_an_extra_or_a_missing_field_is_refused() {
    assert_invalid_snapshot(&broken(|s| s["owner"] = json!("ada")), "");
    assert_invalid_snapshot(
        &broken(|s| s["commands"][0]["answer"] = json!(200)),
        "/commands/0",
    );
    assert_invalid_snapshot(
        &broken(|s| drop(s.as_object_mut().unwrap().remove("last_offset"))),
        "",
    );
    assert_invalid_snapshot(
        &broken(|s| drop(s["commands"][0].as_object_mut().unwrap().remove("key"))),
        "/commands/0",
    );
}

#[test]
fn a_state_that_breaks_its_schema_is_refused() {
    assert_invalid_state(&broken(|s| s["state"]["status"] = json!("done")), "/status");
    assert_invalid_state(
        &broken(|s| s["state"]["priority"] = json!("Low")),
        "/priority",
    );
    assert_invalid_state(
        &broken(|s| s["state"]["due_date"] = json!("31.01.2030")),
        "/due_date",
    );
    assert_invalid_state(
        &broken(|s| s["state"]["project_id"] = json!("p-1")),
        "/project_id",
    );
    assert_invalid_state(&broken(|s| s["state"]["tags"] = json!(["a", "a"])), "/tags");
    assert_invalid_state(&broken(|s| s["state"]["title"] = json!("")), "/title");
    assert_invalid_state(&broken(|s| s["state"]["members"] = json!([])), "");
    assert_invalid_state(
        &broken(|s| drop(s["state"].as_object_mut().unwrap().remove("assignee"))),
        "",
    );

    let mut project = wire_snapshot(&Project::default(), 1, vec![]);
    project["state"]["status"] = json!("deleted");
    assert_invalid_state(&project, "/status");
}

#[test]
fn a_state_of_an_unknown_version_or_stream_type_is_refused() {
    let newer = broken(|s| s["state_version"] = json!(Task::STATE_VERSION + 1));
    assert_eq!(
        validate_snapshot(&newer),
        Err(SnapshotSchemaError::UnknownStateVersion {
            stream_type: "task".into(),
            state_version: Task::STATE_VERSION + 1,
        })
    );
    let other = broken(|s| s["stream_type"] = json!("invoice"));
    assert!(matches!(
        validate_snapshot(&other),
        Err(SnapshotSchemaError::UnknownStateVersion { stream_type, .. }) if stream_type == "invoice"
    ));
}

fn schema(json: &str) -> Value {
    serde_json::from_str(json).expect("schema files are JSON")
}

fn keys(object: &Value) -> BTreeSet<String> {
    object
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect()
}

fn names(array: &Value) -> BTreeSet<String> {
    let array = array.as_array().expect("an array");
    array
        .iter()
        .map(|name| name.as_str().unwrap().to_owned())
        .collect()
}

/// `required` and `properties` of `document` are the fields serde writes in `written`,
/// except `optional` ones (`#[serde(default)]`), which are properties only.
#[track_caller]
fn assert_names_the_fields(document: &Value, written: &Value, optional: &[&str]) {
    let fields = keys(written);
    assert_eq!(keys(&document["properties"]), fields, "properties");
    let required: BTreeSet<String> = fields
        .into_iter()
        .filter(|field| !optional.contains(&field.as_str()))
        .collect();
    assert_eq!(names(&document["required"]), required, "required");
}

#[test]
fn the_snapshot_schema_requires_exactly_the_fields_of_snapshot() {
    let written = wire_snapshot(&created_task(), 1, vec![keyed_command(1, Utc::now())]);
    let document = schema(schemas::snapshot_schema());
    assert_names_the_fields(&document, &written, &[]);
    assert_names_the_fields(
        &document["properties"]["commands"]["items"],
        &written["commands"][0],
        &[],
    );
    assert_eq!(
        document["properties"]["snapshot_format"]["const"],
        SNAPSHOT_FORMAT
    );
}

#[test]
fn the_state_schemas_require_exactly_the_fields_of_the_states() {
    let task = schema(schemas::state_schema(Task::STREAM_TYPE, Task::STATE_VERSION).unwrap());
    assert_names_the_fields(
        &task,
        &Snapshot::of(&Task::default()).unwrap(),
        &["project_id"],
    );
    let project =
        schema(schemas::state_schema(Project::STREAM_TYPE, Project::STATE_VERSION).unwrap());
    assert_names_the_fields(&project, &Snapshot::of(&Project::default()).unwrap(), &[]);
}

/// The enums' serialized names and the limits are the domain's, so neither drifts alone.
#[test]
fn the_state_schemas_use_the_domain_names_and_limits() {
    let task = schema(schemas::state_schema("task", 1).unwrap());
    let properties = &task["properties"];
    let priorities: Vec<Value> = Priority::ALL
        .into_iter()
        .map(|p| serde_json::to_value(p).unwrap())
        .collect();
    let statuses: Vec<Value> = TaskStatus::ALL
        .into_iter()
        .map(|s| serde_json::to_value(s).unwrap())
        .collect();
    assert_eq!(properties["priority"]["enum"], json!(priorities));
    assert_eq!(properties["status"]["enum"], json!(statuses));
    assert_eq!(properties["title"]["maxLength"], rules::TITLE_MAX_CHARS);
    assert_eq!(
        properties["description"]["maxLength"],
        rules::DESCRIPTION_MAX_CHARS
    );
    assert_eq!(
        properties["assignee"]["maxLength"],
        rules::ASSIGNEE_MAX_CHARS
    );
    assert_eq!(properties["tags"]["maxItems"], rules::MAX_TAGS);
    assert_eq!(
        properties["tags"]["items"]["maxLength"],
        rules::TAG_MAX_CHARS
    );

    let project = schema(schemas::state_schema("project", 1).unwrap());
    let properties = &project["properties"];
    let statuses =
        [ProjectStatus::Active, ProjectStatus::Archived].map(|s| serde_json::to_value(s).unwrap());
    assert_eq!(properties["status"]["enum"], json!(statuses));
    assert_eq!(
        properties["name"]["maxLength"],
        project::rules::NAME_MAX_CHARS
    );
    assert_eq!(
        properties["description"]["maxLength"],
        project::rules::DESCRIPTION_MAX_CHARS
    );
    assert_eq!(
        properties["members"]["maxItems"],
        project::rules::MAX_MEMBERS
    );
    assert_eq!(
        properties["members"]["items"]["maxLength"],
        project::rules::MEMBER_MAX_CHARS
    );
}

#[test]
fn every_aggregate_has_a_state_schema_for_its_state_version() {
    for (stream_type, state_version) in [
        (Task::STREAM_TYPE, Task::STATE_VERSION),
        (Project::STREAM_TYPE, Project::STATE_VERSION),
    ] {
        assert!(
            schemas::state_schema(stream_type, state_version).is_some(),
            "no schemas/json/{stream_type}/state.v{state_version}.schema.json"
        );
    }
    assert_eq!(schemas::state_schema("task", 0), None);
}

/// The snapshot schemas use only keywords that mean the same in draft-07 (`if`/`then`,
/// `const`, `default` included), so a draft-07 tool (a schema registry's checker)
/// reads them alike.
#[test]
fn the_snapshot_schemas_read_alike_in_draft_07() {
    let draft_07 = |json: &str| {
        let mut document = schema(json);
        document["$schema"] = json!("http://json-schema.org/draft-07/schema#");
        jsonschema::draft7::options()
            .should_validate_formats(true)
            .build(&document)
            .expect("compiles as draft-07")
    };
    let envelope = draft_07(schemas::snapshot_schema());
    let task = draft_07(schemas::state_schema("task", 1).unwrap());
    let valid = broken(|_| {});
    assert!(envelope.is_valid(&valid));
    assert!(task.is_valid(&valid["state"]));
    assert!(task.is_valid(&Snapshot::of(&Task::default()).unwrap()));
    let untitled = broken(|s| s["state"]["title"] = json!(""));
    assert!(!task.is_valid(&untitled["state"]));
    let not_a_date = broken(|s| s["state"]["due_date"] = json!("2030-02-30"));
    assert!(!task.is_valid(&not_a_date["state"]));
    let later_format = broken(|s| s["snapshot_format"] = json!(2));
    assert!(!envelope.is_valid(&later_format));
}
