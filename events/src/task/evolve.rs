use super::{Task, TaskCreated, TaskEvent, TaskStatus};

/// Applies one event to the state. Total and rule-free: events are facts, already
/// checked by `decide` when they were emitted.
pub fn evolve(mut state: Task, event: &TaskEvent) -> Task {
    match event {
        TaskEvent::Created(created) => return created_task(created),
        TaskEvent::Renamed { title } => state.title.clone_from(title),
        TaskEvent::DescriptionChanged { description } => state.description.clone_from(description),
        TaskEvent::PriorityChanged { priority } => state.priority = *priority,
        TaskEvent::Rescheduled { due_date } => state.due_date = *due_date,
        TaskEvent::Assigned { assignee } => state.assignee = Some(assignee.clone()),
        TaskEvent::Unassigned => state.assignee = None,
        TaskEvent::TagAdded { tag } => {
            if !state.has_tag(tag) {
                state.tags.push(tag.clone());
            }
        }
        TaskEvent::TagRemoved { tag } => state.tags.retain(|existing| existing != tag),
        TaskEvent::Completed => state.status = TaskStatus::Completed,
        TaskEvent::Reopened => state.status = TaskStatus::Open,
        TaskEvent::Archived => state.status = TaskStatus::Archived,
        TaskEvent::MovedToProject { project_id } => state.project_id = Some(*project_id),
        TaskEvent::RemovedFromProject => state.project_id = None,
    }
    state
}

fn created_task(created: &TaskCreated) -> Task {
    Task {
        created: true,
        title: created.title.clone(),
        description: created.description.clone(),
        priority: created.priority,
        due_date: created.due_date,
        assignee: created.assignee.clone(),
        tags: created.tags.clone(),
        status: TaskStatus::Open,
        project_id: created.project_id,
    }
}
