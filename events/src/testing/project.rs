use crate::project::{ProjectCreated, ProjectEvent};

/// One event of every project event type, with values at the edges of the rules.
pub fn one_project_event_of_each_type() -> Vec<ProjectEvent> {
    vec![
        ProjectEvent::Created(ProjectCreated {
            name: "n".repeat(crate::project::rules::NAME_MAX_CHARS),
            description: Some("two\nlines".into()),
        }),
        ProjectEvent::Renamed {
            name: "Launch".into(),
        },
        ProjectEvent::Archived,
        ProjectEvent::Restored,
        ProjectEvent::MemberAdded {
            member: "ada".into(),
        },
        ProjectEvent::MemberRemoved {
            member: "ada".into(),
        },
    ]
}
