use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use super::Priority;
use crate::Command;

/// A request to change a task. Built by [`super::parse_command`], which trims and
/// validates every value; `decide` re-checks the same rules for commands built in code.
///
/// Serializes as `{"command": "<name>", ...fields}` (e.g. for logs and audit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "command", rename_all = "kebab-case")]
pub enum TaskCommand {
    Create(CreateTask),
    Rename {
        title: String,
    },
    /// `None` removes the description.
    ChangeDescription {
        description: Option<String>,
    },
    ChangePriority {
        priority: Priority,
    },
    /// `None` removes the due date.
    Reschedule {
        due_date: Option<NaiveDate>,
    },
    Assign {
        assignee: String,
    },
    Unassign,
    AddTag {
        tag: String,
    },
    RemoveTag {
        tag: String,
    },
    Complete,
    Reopen,
    Archive,
    MoveToProject {
        project_id: Uuid,
    },
    RemoveFromProject,
}

/// The fields of [`TaskCommand::Create`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CreateTask {
    pub title: String,
    pub description: Option<String>,
    pub priority: Priority,
    pub due_date: Option<NaiveDate>,
    pub assignee: Option<String>,
    pub tags: Vec<String>,
    pub project_id: Option<Uuid>,
}

impl TaskCommand {
    /// Every command name, as accepted by [`super::parse_command`].
    pub const NAMES: [&'static str; 14] = [
        "create",
        "rename",
        "change-description",
        "change-priority",
        "reschedule",
        "assign",
        "unassign",
        "add-tag",
        "remove-tag",
        "complete",
        "reopen",
        "archive",
        "move-to-project",
        "remove-from-project",
    ];
}

impl Command for TaskCommand {
    fn name(&self) -> &'static str {
        match self {
            Self::Create(_) => "create",
            Self::Rename { .. } => "rename",
            Self::ChangeDescription { .. } => "change-description",
            Self::ChangePriority { .. } => "change-priority",
            Self::Reschedule { .. } => "reschedule",
            Self::Assign { .. } => "assign",
            Self::Unassign => "unassign",
            Self::AddTag { .. } => "add-tag",
            Self::RemoveTag { .. } => "remove-tag",
            Self::Complete => "complete",
            Self::Reopen => "reopen",
            Self::Archive => "archive",
            Self::MoveToProject { .. } => "move-to-project",
            Self::RemoveFromProject => "remove-from-project",
        }
    }

    fn is_create(&self) -> bool {
        matches!(self, Self::Create(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_with_its_name_as_tag() {
        let command = TaskCommand::Rename { title: "x".into() };
        assert_eq!(
            serde_json::to_value(&command).unwrap(),
            serde_json::json!({ "command": "rename", "title": "x" })
        );
        let create = TaskCommand::Create(CreateTask {
            title: "x".into(),
            ..CreateTask::default()
        });
        assert_eq!(serde_json::to_value(&create).unwrap()["command"], "create");
        assert_eq!(
            serde_json::to_value(TaskCommand::Complete).unwrap(),
            serde_json::json!({ "command": "complete" })
        );
    }
}
