use super::given::*;
use crate::task::{TaskCommand, TaskError, TaskEvent};

#[test]
fn completes_an_open_task() {
    given([created()])
        .when(TaskCommand::Complete)
        .then_expect([TaskEvent::Completed]);
}

#[test]
fn rejects_completing_a_completed_task() {
    given([created(), TaskEvent::Completed])
        .when(TaskCommand::Complete)
        .then_expect_error(TaskError::TaskAlreadyCompleted);
}

#[test]
fn reopens_a_completed_task() {
    given([created(), TaskEvent::Completed])
        .when(TaskCommand::Reopen)
        .then_expect([TaskEvent::Reopened]);
}

#[test]
fn rejects_reopening_an_open_task() {
    given([created()])
        .when(TaskCommand::Reopen)
        .then_expect_error(TaskError::TaskNotCompleted);
}

#[test]
fn completes_a_reopened_task_again() {
    given([created(), TaskEvent::Completed, TaskEvent::Reopened])
        .when(TaskCommand::Complete)
        .then_expect([TaskEvent::Completed]);
}
