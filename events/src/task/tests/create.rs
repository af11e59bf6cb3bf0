use chrono::NaiveDate;

use super::given::*;
use crate::task::rules::MAX_TAGS;
use crate::task::{CreateTask, Priority, TaskCommand, TaskCreated, TaskError, TaskEvent};

#[test]
fn creates_a_task_with_defaults() {
    given_no_events()
        .when(TaskCommand::Create(create(TITLE)))
        .then_expect([created()]);
}

#[test]
fn creates_a_task_with_every_field() {
    let command = CreateTask {
        title: "Write docs".into(),
        description: Some("All of them".into()),
        priority: Priority::Urgent,
        due_date: NaiveDate::from_ymd_opt(2030, 6, 1),
        assignee: Some("alice".into()),
        tags: vec!["docs".into(), "q2".into()],
        project_id: None,
    };
    given_no_events()
        .when(TaskCommand::Create(command))
        .then_expect([TaskEvent::Created(TaskCreated {
            title: "Write docs".into(),
            description: Some("All of them".into()),
            priority: Priority::Urgent,
            due_date: NaiveDate::from_ymd_opt(2030, 6, 1),
            assignee: Some("alice".into()),
            tags: vec!["docs".into(), "q2".into()],
            project_id: None,
        })]);
}

#[test]
fn values_are_trimmed_and_tags_deduplicated() {
    let command = CreateTask {
        title: "  Write docs ".into(),
        description: Some("  ".into()),
        assignee: Some(" alice ".into()),
        tags: vec![" docs".into(), "docs ".into(), "q2".into()],
        ..CreateTask::default()
    };
    given_no_events()
        .when(TaskCommand::Create(command))
        .then_expect([created_with(|created| {
            created.assignee = Some("alice".into());
            created.tags = vec!["docs".into(), "q2".into()];
        })]);
}

#[test]
fn rejects_an_existing_task() {
    given([created()])
        .when(TaskCommand::Create(create("Again")))
        .then_expect_error(TaskError::TaskAlreadyExists);
}

#[test]
fn rejects_an_archived_task_as_archived() {
    given([created(), TaskEvent::Archived])
        .when(TaskCommand::Create(create("Again")))
        .then_expect_error(TaskError::TaskArchived);
}

#[test]
fn rejects_a_blank_title() {
    given_no_events()
        .when(TaskCommand::Create(create(" \t ")))
        .then_expect_error(TaskError::InvalidTitle);
}

#[test]
fn rejects_a_title_over_200_characters() {
    given_no_events()
        .when(TaskCommand::Create(create(&"x".repeat(201))))
        .then_expect_error(TaskError::InvalidTitle);
}

#[test]
fn accepts_a_title_of_200_characters() {
    let title = "x".repeat(200);
    given_no_events()
        .when(TaskCommand::Create(create(&title)))
        .then_expect([created_with(|created| created.title = title.clone())]);
}

#[test]
fn rejects_a_description_over_10000_characters() {
    let command = CreateTask {
        description: Some("d".repeat(10_001)),
        ..create(TITLE)
    };
    given_no_events()
        .when(TaskCommand::Create(command))
        .then_expect_error(TaskError::InvalidDescription);
}

#[test]
fn rejects_a_blank_assignee() {
    let command = CreateTask {
        assignee: Some("  ".into()),
        ..create(TITLE)
    };
    given_no_events()
        .when(TaskCommand::Create(command))
        .then_expect_error(TaskError::InvalidAssignee);
}

#[test]
fn rejects_an_assignee_over_100_characters() {
    let command = CreateTask {
        assignee: Some("a".repeat(101)),
        ..create(TITLE)
    };
    given_no_events()
        .when(TaskCommand::Create(command))
        .then_expect_error(TaskError::InvalidAssignee);
}

#[test]
fn rejects_an_invalid_tag_blaming_tags() {
    for bad in ["", "   ", &"t".repeat(41)] {
        let command = CreateTask {
            tags: vec!["ok".into(), bad.into()],
            ..create(TITLE)
        };
        given_no_events()
            .when(TaskCommand::Create(command))
            .then_expect_error(TaskError::InvalidTag { field: "tags" });
    }
}

#[test]
fn accepts_twenty_distinct_tags() {
    let command = CreateTask {
        tags: many(MAX_TAGS),
        ..create(TITLE)
    };
    given_no_events()
        .when(TaskCommand::Create(command))
        .then_expect([created_with(|created| created.tags = many(MAX_TAGS))]);
}

#[test]
fn rejects_more_than_twenty_distinct_tags() {
    let command = CreateTask {
        tags: many(MAX_TAGS + 1),
        ..create(TITLE)
    };
    given_no_events()
        .when(TaskCommand::Create(command))
        .then_expect_error(TaskError::TooManyTags);
}

#[test]
fn rejects_a_due_date_beyond_year_9999() {
    let command = CreateTask {
        due_date: NaiveDate::from_ymd_opt(10_000, 1, 1),
        ..create(TITLE)
    };
    given_no_events()
        .when(TaskCommand::Create(command))
        .then_expect_error(TaskError::InvalidDueDate);
}
