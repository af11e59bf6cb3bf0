use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Priority, TaskStatus};

/// The state of one task, rebuilt by folding its events with [`super::evolve`].
///
/// `Task::default()` is the state before `TaskCreated`: `created` is false and every
/// other field is meaningless.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Set by `TaskCreated`; lets `decide` tell "not found" from "exists".
    pub created: bool,
    pub title: String,
    pub description: Option<String>,
    pub priority: Priority,
    pub due_date: Option<NaiveDate>,
    pub assignee: Option<String>,
    /// In the order they were added; never holds duplicates.
    pub tags: Vec<String>,
    pub status: TaskStatus,
    /// The project the task is in, if any.
    #[serde(default)]
    pub project_id: Option<Uuid>,
}

impl Task {
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|existing| existing == tag)
    }
}
