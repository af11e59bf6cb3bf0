use super::given::*;
use crate::task::{TaskCommand, TaskError, TaskEvent};

#[test]
fn renames() {
    given([created()])
        .when(TaskCommand::Rename {
            title: "Ship it".into(),
        })
        .then_expect([TaskEvent::Renamed {
            title: "Ship it".into(),
        }]);
}

#[test]
fn trims_the_new_title() {
    given([created()])
        .when(TaskCommand::Rename {
            title: "  Ship it\n".into(),
        })
        .then_expect([TaskEvent::Renamed {
            title: "Ship it".into(),
        }]);
}

#[test]
fn renaming_to_the_same_title_is_a_no_op() {
    given([created()])
        .when(TaskCommand::Rename {
            title: format!(" {TITLE} "),
        })
        .then_expect_no_events();
}

#[test]
fn rejects_a_blank_title() {
    given([created()])
        .when(TaskCommand::Rename { title: "".into() })
        .then_expect_error(TaskError::InvalidTitle);
}

#[test]
fn rejects_a_title_over_200_characters() {
    given([created()])
        .when(TaskCommand::Rename {
            title: "é".repeat(201),
        })
        .then_expect_error(TaskError::InvalidTitle);
}

#[test]
fn renames_a_completed_task() {
    given([created(), TaskEvent::Completed])
        .when(TaskCommand::Rename {
            title: "Ship it".into(),
        })
        .then_expect([TaskEvent::Renamed {
            title: "Ship it".into(),
        }]);
}
