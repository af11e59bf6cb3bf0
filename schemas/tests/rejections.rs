//! Hand-made invalid envelopes are rejected, each for the right reason.

mod common;

use chrono::NaiveDate;
use events::task::{Priority, TaskCreated, TaskEvent};
use schemas::{SchemaError, validate_envelope};
use serde_json::{Value, json};

fn created() -> TaskEvent {
    TaskEvent::Created(TaskCreated {
        title: "Write docs".into(),
        description: Some("All of them".into()),
        priority: Priority::High,
        due_date: NaiveDate::from_ymd_opt(2030, 1, 31),
        assignee: Some("alice".into()),
        tags: vec!["docs".into()],
        project_id: None,
    })
}

fn renamed() -> TaskEvent {
    TaskEvent::Renamed {
        title: "Ship it".into(),
    }
}

/// A valid envelope around `event`, changed by `break_it`.
fn broken(event: TaskEvent, break_it: impl FnOnce(&mut Value)) -> Value {
    let mut envelope = common::envelope_json(&event);
    assert_eq!(validate_envelope(&envelope), Ok(()), "starts valid");
    break_it(&mut envelope);
    envelope
}

#[track_caller]
fn assert_invalid_envelope(envelope: &Value, path: &str) {
    match validate_envelope(envelope) {
        Err(SchemaError::InvalidEnvelope(violations)) => assert!(
            violations
                .iter()
                .any(|violation| violation.instance_path == path),
            "expected a violation at {path:?}, got {violations:?}"
        ),
        other => panic!("expected InvalidEnvelope at {path:?}, got {other:?}"),
    }
}

#[track_caller]
fn assert_invalid_data(envelope: &Value, path: &str) {
    match validate_envelope(envelope) {
        Err(SchemaError::InvalidData { violations, .. }) => assert!(
            violations
                .iter()
                .any(|violation| violation.instance_path == path),
            "expected a violation at {path:?}, got {violations:?}"
        ),
        other => panic!("expected InvalidData at {path:?}, got {other:?}"),
    }
}

fn remove(value: &mut Value, key: &str) {
    value.as_object_mut().unwrap().remove(key);
}

#[test]
fn rejects_an_envelope_missing_a_field() {
    for field in ["event_id", "actor", "occurred_at", "data", "version"] {
        let envelope = broken(renamed(), |envelope| remove(envelope, field));
        assert_invalid_envelope(&envelope, "");
    }
}

#[test]
fn rejects_data_missing_a_field() {
    let envelope = broken(renamed(), |envelope| remove(&mut envelope["data"], "title"));
    assert_invalid_data(&envelope, "");

    // v2 writes every key, null or not.
    let envelope = broken(created(), |envelope| {
        remove(&mut envelope["data"], "assignee")
    });
    assert_invalid_data(&envelope, "");
}

#[test]
fn rejects_wrong_types() {
    let envelope = broken(renamed(), |envelope| envelope["version"] = json!("1"));
    assert_invalid_envelope(&envelope, "/version");

    let envelope = broken(renamed(), |envelope| {
        envelope["data"] = json!(["not", "an", "object"])
    });
    assert_invalid_envelope(&envelope, "/data");

    let envelope = broken(renamed(), |envelope| envelope["data"]["title"] = json!(42));
    assert_invalid_data(&envelope, "/title");

    let envelope = broken(created(), |envelope| {
        envelope["data"]["tags"] = json!("docs")
    });
    assert_invalid_data(&envelope, "/tags");
}

#[test]
fn rejects_extra_properties() {
    let envelope = broken(renamed(), |envelope| envelope["partition"] = json!(3));
    assert_invalid_envelope(&envelope, "");

    let envelope = broken(renamed(), |envelope| {
        envelope["data"]["old_title"] = json!("x")
    });
    assert_invalid_data(&envelope, "");

    let envelope = broken(TaskEvent::Completed, |envelope| {
        envelope["data"]["by"] = json!("bob")
    });
    assert_invalid_data(&envelope, "");
}

#[test]
fn rejects_a_priority_outside_the_enum() {
    let envelope = broken(created(), |envelope| {
        envelope["data"]["priority"] = json!("asap")
    });
    assert_invalid_data(&envelope, "/priority");

    let changed = TaskEvent::PriorityChanged {
        priority: Priority::Low,
    };
    let envelope = broken(changed, |envelope| {
        envelope["data"]["priority"] = json!("Low")
    });
    assert_invalid_data(&envelope, "/priority");
}

#[test]
fn enforces_the_length_limits() {
    let envelope = broken(renamed(), |envelope| {
        envelope["data"]["title"] = json!("é".repeat(201))
    });
    assert_invalid_data(&envelope, "/title");
    let envelope = broken(renamed(), |envelope| {
        envelope["data"]["title"] = json!("é".repeat(200))
    });
    assert_eq!(validate_envelope(&envelope), Ok(()));

    let envelope = broken(renamed(), |envelope| envelope["data"]["title"] = json!(""));
    assert_invalid_data(&envelope, "/title");

    let envelope = broken(created(), |envelope| {
        envelope["data"]["description"] = json!("d".repeat(10_001))
    });
    assert_invalid_data(&envelope, "/description");

    let envelope = broken(created(), |envelope| {
        envelope["data"]["assignee"] = json!("a".repeat(101))
    });
    assert_invalid_data(&envelope, "/assignee");

    let envelope = broken(created(), |envelope| {
        envelope["data"]["tags"] = json!(["t".repeat(41)])
    });
    assert_invalid_data(&envelope, "/tags/0");
}

#[test]
fn enforces_the_tag_rules() {
    let envelope = broken(created(), |envelope| {
        envelope["data"]["tags"] = json!(["a", "a"])
    });
    assert_invalid_data(&envelope, "/tags");

    let too_many: Vec<String> = (0..21).map(|index| format!("t{index}")).collect();
    let envelope = broken(created(), |envelope| {
        envelope["data"]["tags"] = json!(too_many)
    });
    assert_invalid_data(&envelope, "/tags");
}

#[test]
fn asserts_formats() {
    let envelope = broken(renamed(), |envelope| {
        envelope["event_id"] = json!("not-a-uuid")
    });
    assert_invalid_envelope(&envelope, "/event_id");

    let envelope = broken(renamed(), |envelope| {
        envelope["occurred_at"] = json!("2024-13-01T00:00:00Z")
    });
    assert_invalid_envelope(&envelope, "/occurred_at");

    let envelope = broken(created(), |envelope| {
        envelope["data"]["due_date"] = json!("2030-02-30")
    });
    assert_invalid_data(&envelope, "/due_date");

    let envelope = broken(created(), |envelope| {
        envelope["data"]["due_date"] = json!("31/01/2030")
    });
    assert_invalid_data(&envelope, "/due_date");
}

#[test]
fn occurred_at_must_be_utc_with_z() {
    let envelope = broken(renamed(), |envelope| {
        envelope["occurred_at"] = json!("2024-05-01T14:34:56.123456+02:00")
    });
    assert_invalid_envelope(&envelope, "/occurred_at");
}

#[test]
fn rejects_an_unknown_event_type() {
    let envelope = broken(renamed(), |envelope| {
        envelope["event_type"] = json!("TaskExploded")
    });
    assert_eq!(
        validate_envelope(&envelope),
        Err(SchemaError::UnknownEventType {
            stream_type: "task".into(),
            event_type: "TaskExploded".into()
        })
    );
}

#[test]
fn rejects_a_known_event_type_in_another_stream_type() {
    let envelope = broken(renamed(), |envelope| {
        envelope["stream_type"] = json!("project")
    });
    assert!(matches!(
        validate_envelope(&envelope),
        Err(SchemaError::UnknownEventType { .. })
    ));
}

#[test]
fn rejects_an_unknown_version() {
    let envelope = broken(renamed(), |envelope| envelope["schema_version"] = json!(2));
    assert_eq!(
        validate_envelope(&envelope),
        Err(SchemaError::UnknownVersion {
            event_type: "TaskRenamed".into(),
            schema_version: 2
        })
    );

    let envelope = broken(created(), |envelope| envelope["schema_version"] = json!(4));
    assert!(matches!(
        validate_envelope(&envelope),
        Err(SchemaError::UnknownVersion {
            schema_version: 4,
            ..
        })
    ));

    let envelope = broken(renamed(), |envelope| envelope["schema_version"] = json!(0));
    assert_invalid_envelope(&envelope, "/schema_version");
}

#[test]
fn validates_data_against_the_declared_version() {
    // v2 data labelled v1: v1 has no priority or tags.
    let envelope = broken(created(), |envelope| envelope["schema_version"] = json!(1));
    assert_invalid_data(&envelope, "");
}

#[test]
fn errors_read_well() {
    let envelope = broken(renamed(), |envelope| envelope["data"]["title"] = json!(42));
    let message = validate_envelope(&envelope).unwrap_err().to_string();
    assert!(
        message.starts_with("data does not match TaskRenamed v1: /title: "),
        "{message}"
    );
}
