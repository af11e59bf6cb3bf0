use super::{Project, ProjectEvent, ProjectStatus};

/// Applies one event to the state. Total and rule-free: events are facts,
/// already checked by `decide` when they were emitted.
pub fn evolve(mut state: Project, event: &ProjectEvent) -> Project {
    match event {
        ProjectEvent::Created(created) => {
            return Project {
                created: true,
                name: created.name.clone(),
                description: created.description.clone(),
                members: Vec::new(),
                status: ProjectStatus::Active,
            };
        }
        ProjectEvent::Renamed { name } => state.name.clone_from(name),
        ProjectEvent::Archived => state.status = ProjectStatus::Archived,
        ProjectEvent::Restored => state.status = ProjectStatus::Active,
        ProjectEvent::MemberAdded { member } => {
            if !state.has_member(member) {
                state.members.push(member.clone());
            }
        }
        ProjectEvent::MemberRemoved { member } => state.members.retain(|m| m != member),
    }
    state
}
