use super::given::*;
use crate::task::{TaskCommand, TaskError, TaskEvent};

fn assigned(assignee: &str) -> TaskEvent {
    TaskEvent::Assigned {
        assignee: assignee.into(),
    }
}

fn assign(assignee: &str) -> TaskCommand {
    TaskCommand::Assign {
        assignee: assignee.into(),
    }
}

#[test]
fn assigns() {
    given([created()])
        .when(assign(" alice "))
        .then_expect([assigned("alice")]);
}

#[test]
fn reassigns() {
    given([created(), assigned("alice")])
        .when(assign("bob"))
        .then_expect([assigned("bob")]);
}

#[test]
fn assigning_the_same_assignee_is_a_no_op() {
    given([created(), assigned("alice")])
        .when(assign("alice"))
        .then_expect_no_events();
}

#[test]
fn rejects_a_blank_assignee() {
    given([created()])
        .when(assign("   "))
        .then_expect_error(TaskError::InvalidAssignee);
}

#[test]
fn rejects_an_assignee_over_100_characters() {
    given([created()])
        .when(assign(&"a".repeat(101)))
        .then_expect_error(TaskError::InvalidAssignee);
}

#[test]
fn accepts_an_assignee_of_100_characters() {
    let longest = "a".repeat(100);
    given([created()])
        .when(assign(&longest))
        .then_expect([assigned(&longest)]);
}

#[test]
fn unassigns() {
    given([created(), assigned("alice")])
        .when(TaskCommand::Unassign)
        .then_expect([TaskEvent::Unassigned]);
}

#[test]
fn unassigns_an_assignee_given_at_creation() {
    given([created_with(|created| {
        created.assignee = Some("alice".into())
    })])
    .when(TaskCommand::Unassign)
    .then_expect([TaskEvent::Unassigned]);
}

#[test]
fn unassigning_an_unassigned_task_is_a_no_op() {
    given([created()])
        .when(TaskCommand::Unassign)
        .then_expect_no_events();
    given([created(), assigned("alice"), TaskEvent::Unassigned])
        .when(TaskCommand::Unassign)
        .then_expect_no_events();
}
