use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Priority, codec};
use crate::{DecodeError, DomainEvent};

/// Something that happened to a task. Always holds values that passed the task rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskEvent {
    Created(TaskCreated),
    Renamed { title: String },
    DescriptionChanged { description: Option<String> },
    PriorityChanged { priority: Priority },
    Rescheduled { due_date: Option<NaiveDate> },
    Assigned { assignee: String },
    Unassigned,
    TagAdded { tag: String },
    TagRemoved { tag: String },
    Completed,
    Reopened,
    Archived,
    MovedToProject { project_id: Uuid },
    RemovedFromProject,
}

/// The data of `TaskCreated`, current schema version 3 (v1 lacked `priority` and `tags`,
/// v2 lacked `project_id`; see `upcast.rs`). Every key is always written; absent values
/// are `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskCreated {
    pub title: String,
    pub description: Option<String>,
    pub priority: Priority,
    pub due_date: Option<NaiveDate>,
    pub assignee: Option<String>,
    pub tags: Vec<String>,
    /// The project the task was created in, if any.
    pub project_id: Option<Uuid>,
}

impl TaskEvent {
    /// Every event type a task stream can hold.
    pub const EVENT_TYPES: [&'static str; 14] = [
        "TaskCreated",
        "TaskRenamed",
        "TaskDescriptionChanged",
        "TaskPriorityChanged",
        "TaskRescheduled",
        "TaskAssigned",
        "TaskUnassigned",
        "TaskTagAdded",
        "TaskTagRemoved",
        "TaskCompleted",
        "TaskReopened",
        "TaskArchived",
        "TaskMovedToProject",
        "TaskRemovedFromProject",
    ];

    /// The schema version `TaskCreated` is written with; every other type is at 1.
    pub const TASK_CREATED_VERSION: u32 = 3;
}

impl DomainEvent for TaskEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Created(_) => "TaskCreated",
            Self::Renamed { .. } => "TaskRenamed",
            Self::DescriptionChanged { .. } => "TaskDescriptionChanged",
            Self::PriorityChanged { .. } => "TaskPriorityChanged",
            Self::Rescheduled { .. } => "TaskRescheduled",
            Self::Assigned { .. } => "TaskAssigned",
            Self::Unassigned => "TaskUnassigned",
            Self::TagAdded { .. } => "TaskTagAdded",
            Self::TagRemoved { .. } => "TaskTagRemoved",
            Self::Completed => "TaskCompleted",
            Self::Reopened => "TaskReopened",
            Self::Archived => "TaskArchived",
            Self::MovedToProject { .. } => "TaskMovedToProject",
            Self::RemovedFromProject => "TaskRemovedFromProject",
        }
    }

    fn schema_version(&self) -> u32 {
        match self {
            Self::Created(_) => Self::TASK_CREATED_VERSION,
            _ => 1,
        }
    }

    fn data(&self) -> serde_json::Value {
        codec::encode(self)
    }

    fn starts_stream(&self) -> bool {
        matches!(self, Self::Created(_))
    }

    fn decode(
        event_type: &str,
        schema_version: u32,
        data: &serde_json::Value,
    ) -> Result<Self, DecodeError> {
        codec::decode(event_type, schema_version, data)
    }
}
