use super::given::*;
use crate::project::{ProjectCommand, ProjectCreated, ProjectError, ProjectEvent};

#[test]
fn creates_a_project_with_normalized_values() {
    given_no_events()
        .when(ProjectCommand::Create {
            name: "  Launch ".into(),
            description: Some("  the big one \n".into()),
        })
        .then_expect([ProjectEvent::Created(ProjectCreated {
            name: "Launch".into(),
            description: Some("the big one".into()),
        })]);
}

#[test]
fn a_blank_description_is_none() {
    given_no_events()
        .when(ProjectCommand::Create {
            name: NAME.into(),
            description: Some("   ".into()),
        })
        .then_expect([created()]);
}

#[test]
fn an_existing_project_cannot_be_created_again() {
    given([created()])
        .when(ProjectCommand::Create {
            name: NAME.into(),
            description: None,
        })
        .then_expect_error(ProjectError::ProjectAlreadyExists);
}

#[test]
fn commands_on_a_project_never_created_are_not_found() {
    for command in [
        ProjectCommand::Rename { name: "x".into() },
        ProjectCommand::Archive,
        ProjectCommand::Restore,
        add_member("ada"),
        ProjectCommand::RemoveMember {
            member: "ada".into(),
        },
    ] {
        given_no_events()
            .when(command)
            .then_expect_error(ProjectError::ProjectNotFound);
    }
}

#[test]
fn field_rules_come_before_existence() {
    given([created()])
        .when(ProjectCommand::Create {
            name: " ".into(),
            description: None,
        })
        .then_expect_error(ProjectError::InvalidName);
}
