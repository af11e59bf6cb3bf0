//! The JSON bodies of the task commands, exactly as clients send them. Unknown fields
//! are rejected so typos (`"titel"`) fail instead of being silently ignored.

use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::strict_date;
use crate::body::required_nullable;
use crate::task::{CreateTask, Priority, TaskCommand};

/// `POST /v1/tasks`. Only `title` is required; `null` means "not given" everywhere.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CreateBody {
    title: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    priority: Option<Priority>,
    #[serde(default, deserialize_with = "strict_date::nullable")]
    due_date: Option<NaiveDate>,
    #[serde(default)]
    assignee: Option<String>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    project_id: Option<Uuid>,
}

impl From<CreateBody> for TaskCommand {
    fn from(body: CreateBody) -> Self {
        TaskCommand::Create(CreateTask {
            title: body.title,
            description: body.description,
            priority: body.priority.unwrap_or_default(),
            due_date: body.due_date,
            assignee: body.assignee,
            tags: body.tags.unwrap_or_default(),
            project_id: body.project_id,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TitleBody {
    title: String,
}

impl TitleBody {
    pub(super) fn into_rename(self) -> TaskCommand {
        TaskCommand::Rename { title: self.title }
    }
}

/// The key is required (`null` clears the description) so an empty body cannot wipe
/// a description by accident.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DescriptionBody {
    #[serde(deserialize_with = "required_nullable")]
    description: Option<String>,
}

impl From<DescriptionBody> for TaskCommand {
    fn from(body: DescriptionBody) -> Self {
        TaskCommand::ChangeDescription {
            description: body.description,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PriorityBody {
    priority: Priority,
}

impl From<PriorityBody> for TaskCommand {
    fn from(body: PriorityBody) -> Self {
        TaskCommand::ChangePriority {
            priority: body.priority,
        }
    }
}

/// The key is required (`null` removes the due date), like [`DescriptionBody`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DueDateBody {
    #[serde(deserialize_with = "strict_date::nullable")]
    due_date: Option<NaiveDate>,
}

impl From<DueDateBody> for TaskCommand {
    fn from(body: DueDateBody) -> Self {
        TaskCommand::Reschedule {
            due_date: body.due_date,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AssigneeBody {
    assignee: String,
}

impl From<AssigneeBody> for TaskCommand {
    fn from(body: AssigneeBody) -> Self {
        TaskCommand::Assign {
            assignee: body.assignee,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TagBody {
    tag: String,
}

impl TagBody {
    pub(super) fn into_add_tag(self) -> TaskCommand {
        TaskCommand::AddTag { tag: self.tag }
    }

    pub(super) fn into_remove_tag(self) -> TaskCommand {
        TaskCommand::RemoveTag { tag: self.tag }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProjectBody {
    project_id: Uuid,
}

impl From<ProjectBody> for TaskCommand {
    fn from(body: ProjectBody) -> Self {
        TaskCommand::MoveToProject {
            project_id: body.project_id,
        }
    }
}
