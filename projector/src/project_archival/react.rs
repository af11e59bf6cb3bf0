//! What process manager `project_archival` decides, as a pure function of
//! its state and the next event:
//!
//! - `ProjectArchived`: archive every open task in the project (of the
//!   project's tenant).
//! - A task created in, or moved into, an archived project of its tenant:
//!   move it back out (to the project it came from, or out of any), since a
//!   task may not join an archived project. The task aggregate cannot see
//!   projects, so this is a compensation, not a refusal: the move is in the
//!   log, and so is the move back.
//!
//! The two topics are read by two workers, with no order between them: the
//! archive may be seen before or after a task's events. So decisions go by
//! the events' times: a task that joined before the project was archived was
//! in it, and is archived (if open); one that joined after is moved back
//! out. The project's row is locked while either side decides. Each command
//! is sent with `If-Match` the task's version the decision was taken on: a
//! decision on a view the task has since moved past is refused (412), and
//! the task's next event, when it arrives, is decided on again. So a task is
//! archived at most once (a second archive would be refused by the version,
//! or by the domain), and at least once: the decision on its latest event
//! is on its current state.
//!
//! Each command's idempotency key is derived from the triggering event's id
//! and the task's id, so deciding it again (after a crash, or in a rebuild)
//! yields the same key, and the command API applies it once.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use events::project::{Project, ProjectEvent};
use events::task::{Task, TaskEvent, TaskStatus};
use read_model::process_managers::CommandToSend;
use read_model::process_managers::project_archival::NAME;
use read_model::projects::ProjectTaskRow;
use serde_json::json;
use uuid::Uuid;

use crate::projects::evolve_task;
use crate::record::Record;

/// A project as the process manager knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectState {
    /// `None` while it is known only from a task naming it.
    pub tenant_id: Option<String>,
    /// When it was archived; `None` while it is not.
    pub archived_at: Option<DateTime<Utc>>,
    /// 0 while it is known only from a task naming it.
    pub version: i64,
}

/// A task as the process manager knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskState {
    pub task: ProjectTaskRow,
    /// When it joined its project.
    pub joined_at: Option<DateTime<Utc>>,
    /// The project it was in before.
    pub came_from: Option<Uuid>,
}

/// The state a batch folds over, and what it decided.
#[derive(Debug, Default)]
pub struct Archival {
    pub projects: HashMap<Uuid, ProjectState>,
    pub tasks: HashMap<Uuid, TaskState>,
    pub commands: Vec<CommandToSend>,
    pub changed_projects: BTreeSet<Uuid>,
    pub changed_tasks: BTreeSet<Uuid>,
}

/// The idempotency key of the command `cause` triggers for `task_id`.
pub fn idempotency_key(cause: Uuid, task_id: Uuid) -> String {
    format!("{NAME}:{cause}:{task_id}")
}

impl Archival {
    pub fn on_project(&mut self, record: &Record<Project>) {
        let envelope = &record.envelope;
        let project_id = envelope.stream_id;
        let project = self.projects.entry(project_id).or_default();
        project.version = envelope.version as i64;
        match &record.event {
            ProjectEvent::Created(_) => project.tenant_id = Some(envelope.tenant_id.clone()),
            ProjectEvent::Archived => project.archived_at = Some(envelope.occurred_at),
            ProjectEvent::Restored => project.archived_at = None,
            _ => {}
        }
        self.changed_projects.insert(project_id);
        if !matches!(record.event, ProjectEvent::Archived) {
            return;
        }
        let tenant = project.tenant_id.clone();
        let mut members: Vec<&TaskState> = self
            .tasks
            .values()
            .filter(|state| {
                state.task.project_id == Some(project_id)
                    && Some(&state.task.tenant_id) == tenant.as_ref()
            })
            .collect();
        members.sort_unstable_by_key(|state| state.task.task_id);
        let commands: Vec<CommandToSend> = members
            .into_iter()
            .filter_map(|state| decide(envelope.event_id, state, envelope.occurred_at))
            .collect();
        self.commands.extend(commands);
    }

    pub fn on_task(&mut self, record: &Record<Task>) {
        let envelope = &record.envelope;
        let task_id = envelope.stream_id;
        let before = self.tasks.get(&task_id).cloned();
        let task = evolve_task(before.as_ref().map(|before| &before.task), record);
        let joined = matches!(
            record.event,
            TaskEvent::Created(_) | TaskEvent::MovedToProject { .. }
        ) && task.project_id.is_some();
        // Every event of a task in an archived project is decided on, not only
        // its joining: an earlier decision may have been taken on a stale view.
        let state = match (&before, joined) {
            (_, true) => TaskState {
                joined_at: Some(envelope.occurred_at),
                came_from: before.as_ref().and_then(|before| before.task.project_id),
                task,
            },
            (Some(before), false) => TaskState {
                task,
                ..before.clone()
            },
            (None, false) => TaskState {
                task,
                joined_at: None,
                came_from: None,
            },
        };
        if let Some(project_id) = state.task.project_id
            && let Some(archived_at) = self.archived_for(project_id, &state.task.tenant_id)
            && let Some(command) = decide(envelope.event_id, &state, archived_at)
        {
            self.commands.push(command);
        }
        self.tasks.insert(task_id, state);
        self.changed_tasks.insert(task_id);
    }

    fn archived_for(&self, project_id: Uuid, tenant: &str) -> Option<DateTime<Utc>> {
        self.projects
            .get(&project_id)
            .filter(|project| project.tenant_id.as_deref() == Some(tenant))
            .and_then(|project| project.archived_at)
    }
}

/// What a task in a project archived at `archived_at` needs: archived if
/// it was in the project by then (and still open), moved back out if it
/// joined later (and is not archived).
fn decide(cause: Uuid, state: &TaskState, archived_at: DateTime<Utc>) -> Option<CommandToSend> {
    let joined_before = state.joined_at.is_none_or(|joined| joined <= archived_at);
    let task = &state.task;
    match (joined_before, task.status) {
        (true, TaskStatus::Open) => Some(command(cause, task, "archive", json!({}))),
        // Moved back only if it is still where the decision found it.
        (true, _) | (false, TaskStatus::Archived) => None,
        (false, _) => Some(
            match state
                .came_from
                .filter(|from| Some(*from) != task.project_id)
            {
                Some(from) => command(
                    cause,
                    task,
                    "move-to-project",
                    json!({ "project_id": from }),
                ),
                None => command(cause, task, "remove-from-project", json!({})),
            },
        ),
    }
}

fn command(
    cause: Uuid,
    task: &ProjectTaskRow,
    name: &'static str,
    body: serde_json::Value,
) -> CommandToSend {
    CommandToSend {
        process_manager: NAME,
        idempotency_key: idempotency_key(cause, task.task_id),
        tenant_id: task.tenant_id.clone(),
        aggregate: <Task as events::Aggregate>::TOPIC_NAME,
        stream_id: task.task_id,
        command: name,
        body,
        expected_version: Some(task.version),
        cause_event_id: cause,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{project_created, record, task_created};

    fn project(tenant: &str, id: Uuid, version: u64, event: ProjectEvent) -> Record<Project> {
        record(tenant, id, version, event)
    }

    fn task(tenant: &str, id: Uuid, version: u64, event: TaskEvent) -> Record<Task> {
        record(tenant, id, version, event)
    }

    fn created_project() -> ProjectEvent {
        project_created("Board")
    }

    fn created_task(project_id: Option<Uuid>) -> TaskEvent {
        task_created("t", project_id)
    }

    #[test]
    fn given_open_and_done_tasks_when_the_project_is_archived_then_only_open_ones_of_its_tenant_are_archived()
     {
        let board = Uuid::now_v7();
        let (open, done, foreign) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let mut archival = Archival::default();
        archival.on_project(&project("acme", board, 1, created_project()));
        archival.on_task(&task("acme", open, 1, created_task(Some(board))));
        archival.on_task(&task("acme", done, 1, created_task(Some(board))));
        archival.on_task(&task("acme", done, 2, TaskEvent::Completed));
        archival.on_task(&task("evil", foreign, 1, created_task(Some(board))));
        let archived = project("acme", board, 2, ProjectEvent::Archived);
        archival.on_project(&archived);

        assert_eq!(archival.commands.len(), 1, "{:?}", archival.commands);
        let command = &archival.commands[0];
        assert_eq!(
            (
                command.stream_id,
                command.command,
                command.tenant_id.as_str()
            ),
            (open, "archive", "acme")
        );
        assert_eq!(
            command.idempotency_key,
            idempotency_key(archived.envelope.event_id, open)
        );
    }

    #[test]
    fn given_an_archived_project_when_a_task_moves_into_it_then_it_is_moved_back() {
        let (archived, home) = (Uuid::now_v7(), Uuid::now_v7());
        let chore = Uuid::now_v7();
        let mut archival = Archival::default();
        archival.on_project(&project("acme", archived, 1, created_project()));
        archival.on_project(&project("acme", archived, 2, ProjectEvent::Archived));
        std::thread::sleep(std::time::Duration::from_millis(2));
        archival.on_task(&task("acme", chore, 1, created_task(Some(home))));
        archival.on_task(&task(
            "acme",
            chore,
            2,
            TaskEvent::MovedToProject {
                project_id: archived,
            },
        ));
        assert_eq!(archival.commands.len(), 1);
        let command = &archival.commands[0];
        assert_eq!(command.command, "move-to-project");
        assert_eq!(command.body, json!({ "project_id": home }));
    }

    #[test]
    fn given_an_archived_project_when_a_task_is_created_in_it_then_it_leaves_it() {
        let archived = Uuid::now_v7();
        let mut archival = Archival::default();
        archival.on_project(&project("acme", archived, 1, created_project()));
        archival.on_project(&project("acme", archived, 2, ProjectEvent::Archived));
        std::thread::sleep(std::time::Duration::from_millis(2));
        archival.on_task(&task(
            "acme",
            Uuid::now_v7(),
            1,
            created_task(Some(archived)),
        ));
        assert_eq!(archival.commands[0].command, "remove-from-project");
    }

    #[test]
    fn given_a_task_that_joined_before_the_archive_when_it_is_seen_after_it_then_it_is_archived() {
        let board = Uuid::now_v7();
        let chore = Uuid::now_v7();
        // The task's event happened first, but the tasks worker sees it later.
        let joined = task("acme", chore, 1, created_task(Some(board)));
        std::thread::sleep(std::time::Duration::from_millis(2));
        let mut archival = Archival::default();
        archival.on_project(&project("acme", board, 1, created_project()));
        archival.on_project(&project("acme", board, 2, ProjectEvent::Archived));
        assert!(archival.commands.is_empty(), "the task is not known yet");
        archival.on_task(&joined);
        assert_eq!(archival.commands.len(), 1);
        assert_eq!(
            (
                archival.commands[0].command,
                archival.commands[0].idempotency_key.clone()
            ),
            ("archive", idempotency_key(joined.envelope.event_id, chore))
        );
    }

    #[test]
    fn given_another_tenants_archived_project_when_a_task_names_it_then_nothing_is_decided() {
        let archived = Uuid::now_v7();
        let mut archival = Archival::default();
        archival.on_project(&project("acme", archived, 1, created_project()));
        archival.on_project(&project("acme", archived, 2, ProjectEvent::Archived));
        archival.on_task(&task(
            "evil",
            Uuid::now_v7(),
            1,
            created_task(Some(archived)),
        ));
        assert!(archival.commands.is_empty());
    }
}
