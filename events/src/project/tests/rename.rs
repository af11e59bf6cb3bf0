use super::given::*;
use crate::project::{ProjectCommand, ProjectError, ProjectEvent};

#[test]
fn renames_with_the_trimmed_name() {
    given([created()])
        .when(ProjectCommand::Rename {
            name: " Go live ".into(),
        })
        .then_expect([ProjectEvent::Renamed {
            name: "Go live".into(),
        }]);
}

#[test]
fn renaming_to_the_current_name_is_a_no_op() {
    given([created()])
        .when(ProjectCommand::Rename { name: NAME.into() })
        .then_expect_no_events();
}

#[test]
fn a_name_over_100_characters_is_refused() {
    given([created()])
        .when(ProjectCommand::Rename {
            name: "n".repeat(101),
        })
        .then_expect_error(ProjectError::InvalidName);
}
