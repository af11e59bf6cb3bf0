use chrono::NaiveDate;

use super::given::*;
use crate::task::{CreateTask, Priority, TaskCommand, TaskError, TaskEvent};

#[test]
fn archives_an_open_task() {
    given([created()])
        .when(TaskCommand::Archive)
        .then_expect([TaskEvent::Archived]);
}

#[test]
fn archives_a_completed_task() {
    given([created(), TaskEvent::Completed])
        .when(TaskCommand::Archive)
        .then_expect([TaskEvent::Archived]);
}

#[test]
fn an_archived_task_rejects_every_command() {
    let commands = [
        TaskCommand::Create(CreateTask {
            title: "x".into(),
            ..CreateTask::default()
        }),
        TaskCommand::Rename { title: "x".into() },
        TaskCommand::ChangeDescription {
            description: Some("x".into()),
        },
        TaskCommand::ChangePriority {
            priority: Priority::High,
        },
        TaskCommand::Reschedule {
            due_date: NaiveDate::from_ymd_opt(2030, 1, 1),
        },
        TaskCommand::Assign {
            assignee: "alice".into(),
        },
        TaskCommand::Unassign,
        TaskCommand::AddTag { tag: "t".into() },
        TaskCommand::RemoveTag { tag: "t".into() },
        TaskCommand::Complete,
        TaskCommand::Reopen,
        TaskCommand::Archive,
        TaskCommand::MoveToProject {
            project_id: uuid::Uuid::nil(),
        },
        TaskCommand::RemoveFromProject,
    ];
    for command in commands {
        given([created(), TaskEvent::Archived])
            .when(command)
            .then_expect_error(TaskError::TaskArchived);
    }
}

#[test]
fn an_archived_task_rejects_even_would_be_no_ops() {
    given([created(), TaskEvent::Archived])
        .when(TaskCommand::Rename {
            title: TITLE.into(),
        })
        .then_expect_error(TaskError::TaskArchived);
}
