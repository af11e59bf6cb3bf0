use super::given::*;
use crate::task::{Priority, TaskCommand, TaskError};

#[test]
fn every_command_but_create_needs_an_existing_task() {
    let commands = [
        TaskCommand::Rename { title: "x".into() },
        TaskCommand::ChangeDescription { description: None },
        TaskCommand::ChangePriority {
            priority: Priority::High,
        },
        TaskCommand::Reschedule { due_date: None },
        TaskCommand::Assign {
            assignee: "alice".into(),
        },
        TaskCommand::Unassign,
        TaskCommand::AddTag { tag: "t".into() },
        TaskCommand::RemoveTag { tag: "t".into() },
        TaskCommand::Complete,
        TaskCommand::Reopen,
        TaskCommand::Archive,
    ];
    for command in commands {
        given_no_events()
            .when(command)
            .then_expect_error(TaskError::TaskNotFound);
    }
}

#[test]
fn invalid_values_are_reported_before_existence() {
    // Mirrors the HTTP flow: parse_command rejects the value before any state is loaded.
    given_no_events()
        .when(TaskCommand::Rename { title: " ".into() })
        .then_expect_error(TaskError::InvalidTitle);
}
