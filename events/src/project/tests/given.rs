use crate::project::{
    Project, ProjectCommand, ProjectCreated, ProjectError, ProjectEvent, decide, evolve,
};

/// The past of the project under test.
pub(super) fn given(events: impl IntoIterator<Item = ProjectEvent>) -> Given {
    Given {
        state: events
            .into_iter()
            .fold(Project::default(), |state, event| evolve(state, &event)),
    }
}

pub(super) fn given_no_events() -> Given {
    given([])
}

pub(super) struct Given {
    state: Project,
}

impl Given {
    pub(super) fn when(self, command: ProjectCommand) -> Then {
        let outcome = decide(&self.state, &command);
        Then { command, outcome }
    }
}

pub(super) struct Then {
    command: ProjectCommand,
    outcome: Result<Vec<ProjectEvent>, ProjectError>,
}

impl Then {
    #[track_caller]
    pub(super) fn then_expect(self, expected: impl IntoIterator<Item = ProjectEvent>) {
        let expected: Vec<ProjectEvent> = expected.into_iter().collect();
        assert_eq!(self.outcome, Ok(expected), "when {:?}", self.command);
    }

    /// The command is accepted and changes nothing.
    #[track_caller]
    pub(super) fn then_expect_no_events(self) {
        self.then_expect([]);
    }

    #[track_caller]
    pub(super) fn then_expect_error(self, expected: ProjectError) {
        assert_eq!(self.outcome, Err(expected), "when {:?}", self.command);
    }
}

// Fixtures.

pub(super) const NAME: &str = "Launch";

pub(super) fn created() -> ProjectEvent {
    ProjectEvent::Created(ProjectCreated {
        name: NAME.into(),
        description: None,
    })
}

pub(super) fn member_added(member: &str) -> ProjectEvent {
    ProjectEvent::MemberAdded {
        member: member.into(),
    }
}

pub(super) fn add_member(member: &str) -> ProjectCommand {
    ProjectCommand::AddMember {
        member: member.into(),
    }
}
