use super::given::*;
use crate::task::{TaskCommand, TaskError, TaskEvent};

fn described(text: &str) -> TaskEvent {
    created_with(|created| created.description = Some(text.into()))
}

#[test]
fn sets_a_description() {
    given([created()])
        .when(TaskCommand::ChangeDescription {
            description: Some(" Details ".into()),
        })
        .then_expect([TaskEvent::DescriptionChanged {
            description: Some("Details".into()),
        }]);
}

#[test]
fn removes_the_description() {
    given([described("Details")])
        .when(TaskCommand::ChangeDescription { description: None })
        .then_expect([TaskEvent::DescriptionChanged { description: None }]);
}

#[test]
fn a_blank_description_removes_it() {
    given([described("Details")])
        .when(TaskCommand::ChangeDescription {
            description: Some("   ".into()),
        })
        .then_expect([TaskEvent::DescriptionChanged { description: None }]);
}

#[test]
fn the_same_description_is_a_no_op() {
    given([described("Details")])
        .when(TaskCommand::ChangeDescription {
            description: Some("Details".into()),
        })
        .then_expect_no_events();
    given([created()])
        .when(TaskCommand::ChangeDescription { description: None })
        .then_expect_no_events();
}

#[test]
fn rejects_a_description_over_10000_characters() {
    given([created()])
        .when(TaskCommand::ChangeDescription {
            description: Some("d".repeat(10_001)),
        })
        .then_expect_error(TaskError::InvalidDescription);
}

#[test]
fn accepts_a_description_of_10000_characters() {
    let longest = "d".repeat(10_000);
    given([created()])
        .when(TaskCommand::ChangeDescription {
            description: Some(longest.clone()),
        })
        .then_expect([TaskEvent::DescriptionChanged {
            description: Some(longest),
        }]);
}
