use super::rules::{
    check_due_date, normalize_assignee, normalize_description, normalize_tag, normalize_tags,
    normalize_title,
};
use super::{CreateTask, TaskCommand, TaskError};

impl TaskCommand {
    /// This command with every value trimmed and checked against the task field rules
    /// (see [`super::rules`]). Idempotent: a normalized command normalizes to itself.
    pub fn normalized(&self) -> Result<Self, TaskError> {
        Ok(match self {
            Self::Create(create) => Self::Create(CreateTask {
                title: normalize_title(&create.title)?,
                description: normalize_description(create.description.as_deref())?,
                priority: create.priority,
                due_date: check_due_date(create.due_date)?,
                assignee: create
                    .assignee
                    .as_deref()
                    .map(normalize_assignee)
                    .transpose()?,
                tags: normalize_tags(&create.tags)?,
                project_id: create.project_id,
            }),
            Self::Rename { title } => Self::Rename {
                title: normalize_title(title)?,
            },
            Self::ChangeDescription { description } => Self::ChangeDescription {
                description: normalize_description(description.as_deref())?,
            },
            Self::Reschedule { due_date } => Self::Reschedule {
                due_date: check_due_date(*due_date)?,
            },
            Self::Assign { assignee } => Self::Assign {
                assignee: normalize_assignee(assignee)?,
            },
            Self::AddTag { tag } => Self::AddTag {
                tag: normalize_tag(tag, "tag")?,
            },
            Self::RemoveTag { tag } => Self::RemoveTag {
                tag: normalize_tag(tag, "tag")?,
            },
            Self::ChangePriority { .. }
            | Self::Unassign
            | Self::Complete
            | Self::Reopen
            | Self::Archive
            | Self::MoveToProject { .. }
            | Self::RemoveFromProject => self.clone(),
        })
    }
}
