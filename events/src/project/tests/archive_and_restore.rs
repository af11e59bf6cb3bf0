use super::given::*;
use crate::project::{ProjectCommand, ProjectError, ProjectEvent};

#[test]
fn archives_an_active_project() {
    given([created()])
        .when(ProjectCommand::Archive)
        .then_expect([ProjectEvent::Archived]);
}

#[test]
fn archiving_twice_is_refused() {
    given([created(), ProjectEvent::Archived])
        .when(ProjectCommand::Archive)
        .then_expect_error(ProjectError::ProjectAlreadyArchived);
}

#[test]
fn restores_an_archived_project() {
    given([created(), ProjectEvent::Archived])
        .when(ProjectCommand::Restore)
        .then_expect([ProjectEvent::Restored]);
}

#[test]
fn restoring_an_active_project_is_refused() {
    given([created()])
        .when(ProjectCommand::Restore)
        .then_expect_error(ProjectError::ProjectNotArchived);
}

#[test]
fn an_archived_project_refuses_changes_even_no_ops() {
    for command in [
        ProjectCommand::Rename { name: NAME.into() },
        add_member("ada"),
        ProjectCommand::RemoveMember {
            member: "nobody".into(),
        },
    ] {
        given([created(), ProjectEvent::Archived])
            .when(command)
            .then_expect_error(ProjectError::ProjectArchived);
    }
}

#[test]
fn a_restored_project_accepts_changes_again() {
    given([created(), ProjectEvent::Archived, ProjectEvent::Restored])
        .when(add_member("ada"))
        .then_expect([member_added("ada")]);
}
