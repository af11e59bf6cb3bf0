use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::task::{CreateTask, Priority, Task, TaskCommand, parse_command};
use crate::{Aggregate, CommandParseError, CommandParseErrorKind};

#[track_caller]
fn parsed(name: &str, body: Value) -> TaskCommand {
    parse_command(name, body).unwrap_or_else(|error| panic!("{name}: {error:?}"))
}

#[track_caller]
fn rejected(name: &str, body: Value) -> CommandParseError {
    let error = parse_command(name, body).expect_err("should be rejected");
    assert_eq!(error.kind, CommandParseErrorKind::InvalidBody, "{error:?}");
    error
}

#[track_caller]
fn rejected_field(name: &str, body: Value) -> Option<String> {
    rejected(name, body).field
}

#[test]
fn create_needs_only_a_title() {
    assert_eq!(
        parsed("create", json!({ "title": "Write docs" })),
        TaskCommand::Create(CreateTask {
            title: "Write docs".into(),
            description: None,
            priority: Priority::Normal,
            due_date: None,
            assignee: None,
            tags: vec![],
            project_id: None,
        })
    );
}

#[test]
fn create_reads_every_field_trimmed() {
    let body = json!({
        "title": " Write docs ",
        "description": " All of them ",
        "priority": "urgent",
        "due_date": "2030-06-01",
        "assignee": " alice ",
        "tags": ["docs", " docs ", "q2"],
    });
    assert_eq!(
        parsed("create", body),
        TaskCommand::Create(CreateTask {
            title: "Write docs".into(),
            description: Some("All of them".into()),
            priority: Priority::Urgent,
            due_date: NaiveDate::from_ymd_opt(2030, 6, 1),
            assignee: Some("alice".into()),
            tags: vec!["docs".into(), "q2".into()],
            project_id: None,
        })
    );
}

#[test]
fn create_treats_null_optionals_as_absent() {
    let body = json!({
        "title": "t", "description": null, "priority": null, "due_date": null, "assignee": null, "tags": null,
    });
    assert_eq!(
        parsed("create", body),
        TaskCommand::Create(CreateTask {
            title: "t".into(),
            ..CreateTask::default()
        })
    );
}

#[test]
fn parses_every_named_command() {
    let cases = [
        (
            "rename",
            json!({ "title": "New" }),
            TaskCommand::Rename {
                title: "New".into(),
            },
        ),
        (
            "change-description",
            json!({ "description": "d" }),
            TaskCommand::ChangeDescription {
                description: Some("d".into()),
            },
        ),
        (
            "change-description",
            json!({ "description": null }),
            TaskCommand::ChangeDescription { description: None },
        ),
        (
            "change-priority",
            json!({ "priority": "low" }),
            TaskCommand::ChangePriority {
                priority: Priority::Low,
            },
        ),
        (
            "reschedule",
            json!({ "due_date": "2030-01-02" }),
            TaskCommand::Reschedule {
                due_date: NaiveDate::from_ymd_opt(2030, 1, 2),
            },
        ),
        (
            "reschedule",
            json!({ "due_date": null }),
            TaskCommand::Reschedule { due_date: None },
        ),
        (
            "assign",
            json!({ "assignee": "bob" }),
            TaskCommand::Assign {
                assignee: "bob".into(),
            },
        ),
        ("unassign", json!({}), TaskCommand::Unassign),
        (
            "add-tag",
            json!({ "tag": "x" }),
            TaskCommand::AddTag { tag: "x".into() },
        ),
        (
            "remove-tag",
            json!({ "tag": "x" }),
            TaskCommand::RemoveTag { tag: "x".into() },
        ),
        ("complete", json!({}), TaskCommand::Complete),
        ("reopen", json!({}), TaskCommand::Reopen),
        ("archive", json!({}), TaskCommand::Archive),
        (
            "move-to-project",
            json!({ "project_id": "00000000-0000-0000-0000-000000000001" }),
            TaskCommand::MoveToProject {
                project_id: uuid::Uuid::from_u128(1),
            },
        ),
        (
            "remove-from-project",
            json!({}),
            TaskCommand::RemoveFromProject,
        ),
    ];
    for (name, body, expected) in cases {
        assert_eq!(parsed(name, body), expected, "{name}");
    }
}

#[test]
fn every_listed_name_is_known() {
    for name in TaskCommand::NAMES {
        if let Err(error) = parse_command(name, Value::Null) {
            assert_eq!(error.kind, CommandParseErrorKind::InvalidBody, "{name}");
        }
    }
}

#[test]
fn commands_without_fields_accept_null_or_an_empty_object() {
    for name in ["unassign", "complete", "reopen", "archive"] {
        assert!(parse_command(name, Value::Null).is_ok(), "{name}");
        assert!(parse_command(name, json!({})).is_ok(), "{name}");
    }
}

#[test]
fn commands_without_fields_reject_fields() {
    assert_eq!(
        rejected_field("complete", json!({ "when": "now" })).as_deref(),
        Some("when")
    );
}

#[test]
fn the_aggregate_seam_parses_too() {
    assert_eq!(
        Task::parse_command("complete", Value::Null).unwrap(),
        TaskCommand::Complete
    );
}

#[test]
fn unknown_command_is_reported_as_such() {
    let error = parse_command("explode", json!({})).unwrap_err();
    assert_eq!(error.kind, CommandParseErrorKind::UnknownCommand);
    assert_eq!(error.field, None);
}

#[test]
fn a_body_that_is_not_an_object_is_invalid() {
    let error = rejected("rename", json!("New title"));
    assert_eq!(error.field, None);
    assert_eq!(error.message, "body must be a JSON object");
}

#[test]
fn missing_fields_are_named() {
    assert_eq!(
        rejected_field("create", json!({})).as_deref(),
        Some("title")
    );
    assert_eq!(
        rejected_field("rename", Value::Null).as_deref(),
        Some("title")
    );
    assert_eq!(
        rejected_field("assign", json!({})).as_deref(),
        Some("assignee")
    );
    assert_eq!(rejected_field("add-tag", json!({})).as_deref(), Some("tag"));
    assert_eq!(
        rejected_field("change-priority", json!({})).as_deref(),
        Some("priority")
    );
}

#[test]
fn clearing_commands_need_their_field_explicitly() {
    // `{}` must not silently clear a description or due date.
    assert_eq!(
        rejected_field("change-description", json!({})).as_deref(),
        Some("description")
    );
    assert_eq!(
        rejected_field("reschedule", json!({})).as_deref(),
        Some("due_date")
    );
}

#[test]
fn unknown_fields_are_named() {
    let error = rejected("rename", json!({ "title": "x", "titel": "y" }));
    assert_eq!(error.field.as_deref(), Some("titel"));
    assert!(error.message.contains("unknown field"), "{}", error.message);
}

#[test]
fn wrongly_typed_values_are_named_by_path() {
    assert_eq!(
        rejected_field("rename", json!({ "title": 5 })).as_deref(),
        Some("title")
    );
    assert_eq!(
        rejected_field("create", json!({ "title": "t", "tags": ["a", 5] })).as_deref(),
        Some("tags[1]")
    );
    assert_eq!(
        rejected_field("create", json!({ "title": "t", "tags": "a" })).as_deref(),
        Some("tags")
    );
}

#[test]
fn unknown_priorities_are_rejected() {
    assert_eq!(
        rejected_field("change-priority", json!({ "priority": "asap" })).as_deref(),
        Some("priority")
    );
    assert_eq!(
        rejected_field("create", json!({ "title": "t", "priority": "High" })).as_deref(),
        Some("priority")
    );
}

#[test]
fn dates_must_be_calendar_dates_in_iso_format() {
    for bad in [
        "2030-02-30",
        "2030-1-2",
        "02/01/2030",
        "+2030-01-02",
        "2030-01-02T00:00:00Z",
    ] {
        assert_eq!(
            rejected_field("reschedule", json!({ "due_date": bad })).as_deref(),
            Some("due_date"),
            "{bad}"
        );
    }
    assert_eq!(
        rejected_field("create", json!({ "title": "t", "due_date": 20300102 })).as_deref(),
        Some("due_date")
    );
}

#[test]
fn rule_violations_name_the_field_and_explain() {
    let error = rejected("rename", json!({ "title": "   " }));
    assert_eq!(error.field.as_deref(), Some("title"));
    assert_eq!(
        error.message,
        "title must be 1 to 200 characters after trimming, without control characters"
    );

    let too_long = "x".repeat(201);
    assert_eq!(
        rejected_field("create", json!({ "title": too_long })).as_deref(),
        Some("title")
    );
    assert_eq!(
        rejected_field(
            "change-description",
            json!({ "description": "d".repeat(10_001) })
        )
        .as_deref(),
        Some("description")
    );
    assert_eq!(
        rejected_field("assign", json!({ "assignee": "" })).as_deref(),
        Some("assignee")
    );
    assert_eq!(
        rejected_field("add-tag", json!({ "tag": " " })).as_deref(),
        Some("tag")
    );
    assert_eq!(
        rejected_field("remove-tag", json!({ "tag": "t".repeat(41) })).as_deref(),
        Some("tag")
    );
    assert_eq!(
        rejected_field("create", json!({ "title": "t", "tags": [""] })).as_deref(),
        Some("tags")
    );
}

#[test]
fn more_than_twenty_distinct_tags_are_rejected_on_create() {
    let tags: Vec<String> = (0..21).map(|index| format!("t{index}")).collect();
    let error = rejected("create", json!({ "title": "t", "tags": tags }));
    assert_eq!(error.field.as_deref(), Some("tags"));
    assert!(error.message.contains("20"), "{}", error.message);
}

#[test]
fn control_characters_are_refused_per_field() {
    for (command, body, field) in [
        ("create", json!({ "title": "a\u{0}b" }), "title"),
        ("rename", json!({ "title": "two\nlines" }), "title"),
        (
            "create",
            json!({ "title": "t", "assignee": "ann\u{7}" }),
            "assignee",
        ),
        (
            "create",
            json!({ "title": "t", "tags": ["ok", "t\tab"] }),
            "tags",
        ),
        ("add-tag", json!({ "tag": "\u{1b}[31m" }), "tag"),
        (
            "change-description",
            json!({ "description": "nul \u{0}" }),
            "description",
        ),
    ] {
        let error = crate::parse_command::<crate::Task>(command, body.clone()).unwrap_err();
        assert_eq!(error.field.as_deref(), Some(field), "{command} {body}");
    }
    let multi_line = json!({ "description": "line 1\r\n\tline 2" });
    assert!(crate::parse_command::<crate::Task>("change-description", multi_line).is_ok());
}

#[test]
fn an_unknown_command_stays_unknown_whatever_its_body() {
    let error =
        crate::parse_command::<crate::Task>("explode", json!({ "x": "\u{0}" })).unwrap_err();
    assert_eq!(error.kind, crate::CommandParseErrorKind::UnknownCommand);
}

#[test]
fn a_project_id_must_be_a_uuid() {
    let error = parse_command("move-to-project", json!({ "project_id": "p-1" })).unwrap_err();
    assert_eq!(error.field.as_deref(), Some("project_id"));
    let missing = parse_command("move-to-project", json!({})).unwrap_err();
    assert_eq!(missing.field.as_deref(), Some("project_id"));
    let on_create = parse_command("create", json!({ "title": "t", "project_id": 7 })).unwrap_err();
    assert_eq!(on_create.field.as_deref(), Some("project_id"));
}
