use super::rules::MAX_MEMBERS;
use super::{Project, ProjectCommand, ProjectCreated, ProjectError, ProjectEvent};
use crate::Command;

/// Decides which events `command` produces on `state`.
///
/// Checks run in this order, so the first broken rule is the one reported:
/// 1. field rules (trimming, lengths), re-checked because commands can be built in
///    code; emitted events carry the normalized values;
/// 2. existence: `create` on an existing project is `project_already_exists`, any
///    other command on a project never created is `project_not_found`;
/// 3. lifecycle: `archive` on an archived project is `project_already_archived`,
///    `restore` on an active one `project_not_archived`, and every other command on
///    an archived project `project_archived` (restore it first);
/// 4. `member_limit_reached` when adding a member beyond the limit.
///
/// Commands that would not change anything succeed with **no events**: renaming to
/// the current name, adding a member who is in, removing one who is not.
pub fn decide(
    state: &Project,
    command: &ProjectCommand,
) -> Result<Vec<ProjectEvent>, ProjectError> {
    let command = command.normalized()?;
    match (state.created, command.is_create()) {
        (true, true) => return Err(ProjectError::ProjectAlreadyExists),
        (false, false) => return Err(ProjectError::ProjectNotFound),
        _ => {}
    }
    let events = match command {
        ProjectCommand::Create { name, description } => {
            vec![ProjectEvent::Created(ProjectCreated { name, description })]
        }
        ProjectCommand::Archive if state.is_archived() => {
            return Err(ProjectError::ProjectAlreadyArchived);
        }
        ProjectCommand::Archive => vec![ProjectEvent::Archived],
        ProjectCommand::Restore if state.is_archived() => vec![ProjectEvent::Restored],
        ProjectCommand::Restore => return Err(ProjectError::ProjectNotArchived),
        _ if state.is_archived() => return Err(ProjectError::ProjectArchived),
        ProjectCommand::Rename { name } => {
            emit_if(name != state.name, || ProjectEvent::Renamed { name })
        }
        ProjectCommand::AddMember { member } if state.has_member(&member) => vec![],
        ProjectCommand::AddMember { .. } if state.members.len() >= MAX_MEMBERS => {
            return Err(ProjectError::MemberLimitReached);
        }
        ProjectCommand::AddMember { member } => vec![ProjectEvent::MemberAdded { member }],
        ProjectCommand::RemoveMember { member } => emit_if(state.has_member(&member), || {
            ProjectEvent::MemberRemoved { member }
        }),
    };
    Ok(events)
}

/// One event when something changes, none for a no-op.
fn emit_if(changes: bool, event: impl FnOnce() -> ProjectEvent) -> Vec<ProjectEvent> {
    if changes { vec![event()] } else { vec![] }
}
