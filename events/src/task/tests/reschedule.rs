use chrono::NaiveDate;

use super::given::*;
use crate::task::{TaskCommand, TaskError, TaskEvent};

fn day(month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2030, month, day)
}

#[test]
fn sets_a_due_date() {
    given([created()])
        .when(TaskCommand::Reschedule {
            due_date: day(3, 1),
        })
        .then_expect([TaskEvent::Rescheduled {
            due_date: day(3, 1),
        }]);
}

#[test]
fn moves_the_due_date() {
    given([
        created(),
        TaskEvent::Rescheduled {
            due_date: day(3, 1),
        },
    ])
    .when(TaskCommand::Reschedule {
        due_date: day(4, 1),
    })
    .then_expect([TaskEvent::Rescheduled {
        due_date: day(4, 1),
    }]);
}

#[test]
fn removes_the_due_date() {
    given([
        created(),
        TaskEvent::Rescheduled {
            due_date: day(3, 1),
        },
    ])
    .when(TaskCommand::Reschedule { due_date: None })
    .then_expect([TaskEvent::Rescheduled { due_date: None }]);
}

#[test]
fn the_same_due_date_is_a_no_op() {
    given([
        created(),
        TaskEvent::Rescheduled {
            due_date: day(3, 1),
        },
    ])
    .when(TaskCommand::Reschedule {
        due_date: day(3, 1),
    })
    .then_expect_no_events();
    given([created()])
        .when(TaskCommand::Reschedule { due_date: None })
        .then_expect_no_events();
}

#[test]
fn rejects_a_date_that_does_not_fit_four_digit_years() {
    given([created()])
        .when(TaskCommand::Reschedule {
            due_date: NaiveDate::from_ymd_opt(-1, 1, 1),
        })
        .then_expect_error(TaskError::InvalidDueDate);
}
