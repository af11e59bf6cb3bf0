use super::rules::MAX_TAGS;
use super::{CreateTask, Task, TaskCommand, TaskCreated, TaskError, TaskEvent, TaskStatus};
use crate::Command;

/// Decides which events `command` produces on `state`.
///
/// Checks run in this order, so the first broken rule is the one reported:
/// 1. field rules (trimming, lengths, tag count) — the same as `parse_command`, re-checked
///    here because commands can also be built in code; emitted events carry the
///    normalized values;
/// 2. existence: `create` on an existing task is `task_already_exists`, any other command
///    on a task that was never created is `task_not_found`;
/// 3. `task_archived` for any command on an archived task (checked before
///    `task_already_exists`, as archiving is final);
/// 4. the command's own state rules (`task_already_completed`, `task_not_completed`,
///    `tag_limit_reached`).
///
/// Commands that would not change anything succeed with **no events** (`Ok(vec![])`),
/// so retries and double clicks are harmless: renaming to the current title, changing
/// the description, priority or due date to the current one, assigning the current
/// assignee, unassigning an unassigned task, adding a tag that is present and removing
/// one that is absent, moving a task to the project it is in, and removing a task that
/// is in no project from its project.
///
/// Whether the project exists, is active and belongs to the tenant is not the task's
/// to know: the process manager reacts to moves into archived projects (see
/// ARCHITECTURE.md), and the read side only counts a task in a project of its tenant.
pub fn decide(state: &Task, command: &TaskCommand) -> Result<Vec<TaskEvent>, TaskError> {
    let command = command.normalized()?;
    if command.is_create() {
        ensure_creatable(state)?;
    } else {
        ensure_changeable(state)?;
    }
    let events = match command {
        TaskCommand::Create(create) => vec![TaskEvent::Created(task_created(create))],
        TaskCommand::Rename { title } => {
            emit_if(title != state.title, || TaskEvent::Renamed { title })
        }
        TaskCommand::ChangeDescription { description } => {
            emit_if(description != state.description, || {
                TaskEvent::DescriptionChanged { description }
            })
        }
        TaskCommand::ChangePriority { priority } => emit_if(priority != state.priority, || {
            TaskEvent::PriorityChanged { priority }
        }),
        TaskCommand::Reschedule { due_date } => emit_if(due_date != state.due_date, || {
            TaskEvent::Rescheduled { due_date }
        }),
        TaskCommand::Assign { assignee } => {
            emit_if(state.assignee.as_ref() != Some(&assignee), || {
                TaskEvent::Assigned { assignee }
            })
        }
        TaskCommand::Unassign => emit_if(state.assignee.is_some(), || TaskEvent::Unassigned),
        TaskCommand::AddTag { tag } => return decide_add_tag(state, tag),
        TaskCommand::RemoveTag { tag } => {
            emit_if(state.has_tag(&tag), || TaskEvent::TagRemoved { tag })
        }
        TaskCommand::Complete => match state.status {
            TaskStatus::Completed => return Err(TaskError::TaskAlreadyCompleted),
            _ => vec![TaskEvent::Completed],
        },
        TaskCommand::Reopen => match state.status {
            TaskStatus::Completed => vec![TaskEvent::Reopened],
            _ => return Err(TaskError::TaskNotCompleted),
        },
        TaskCommand::Archive => vec![TaskEvent::Archived],
        TaskCommand::MoveToProject { project_id } => {
            emit_if(state.project_id != Some(project_id), || {
                TaskEvent::MovedToProject { project_id }
            })
        }
        TaskCommand::RemoveFromProject => {
            emit_if(state.project_id.is_some(), || TaskEvent::RemovedFromProject)
        }
    };
    Ok(events)
}

fn ensure_creatable(state: &Task) -> Result<(), TaskError> {
    match (state.created, state.status) {
        (_, TaskStatus::Archived) => Err(TaskError::TaskArchived),
        (true, _) => Err(TaskError::TaskAlreadyExists),
        (false, _) => Ok(()),
    }
}

fn ensure_changeable(state: &Task) -> Result<(), TaskError> {
    match (state.created, state.status) {
        (false, _) => Err(TaskError::TaskNotFound),
        (true, TaskStatus::Archived) => Err(TaskError::TaskArchived),
        (true, _) => Ok(()),
    }
}

fn task_created(create: CreateTask) -> TaskCreated {
    let CreateTask {
        title,
        description,
        priority,
        due_date,
        assignee,
        tags,
        project_id,
    } = create;
    TaskCreated {
        title,
        description,
        priority,
        due_date,
        assignee,
        tags,
        project_id,
    }
}

fn decide_add_tag(state: &Task, tag: String) -> Result<Vec<TaskEvent>, TaskError> {
    if state.has_tag(&tag) {
        return Ok(vec![]);
    }
    if state.tags.len() >= MAX_TAGS {
        return Err(TaskError::TagLimitReached);
    }
    Ok(vec![TaskEvent::TagAdded { tag }])
}

/// One event when something changes, none for a no-op.
fn emit_if(changes: bool, event: impl FnOnce() -> TaskEvent) -> Vec<TaskEvent> {
    if changes { vec![event()] } else { vec![] }
}
