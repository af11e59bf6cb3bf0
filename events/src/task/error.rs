use super::rules::{
    ASSIGNEE_MAX_CHARS, DESCRIPTION_MAX_CHARS, MAX_TAGS, TAG_MAX_CHARS, TITLE_MAX_CHARS,
};
use crate::{DomainError, ErrorKind};

/// A task rule a command broke. See [`DomainError::code`] for the stable codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TaskError {
    #[error(
        "title must be 1 to {TITLE_MAX_CHARS} characters after trimming, without control characters"
    )]
    InvalidTitle,
    #[error(
        "description must be at most {DESCRIPTION_MAX_CHARS} characters, without control characters other than tab and line breaks"
    )]
    InvalidDescription,
    #[error(
        "assignee must be 1 to {ASSIGNEE_MAX_CHARS} characters after trimming, without control characters"
    )]
    InvalidAssignee,
    /// `field` is `"tag"` for add/remove-tag and `"tags"` for create.
    #[error(
        "each tag must be 1 to {TAG_MAX_CHARS} characters after trimming, without control characters"
    )]
    InvalidTag { field: &'static str },
    #[error("a task can be created with at most {MAX_TAGS} distinct tags")]
    TooManyTags,
    #[error("due date must be a date between 0000-01-01 and 9999-12-31")]
    InvalidDueDate,
    #[error("task not found")]
    TaskNotFound,
    #[error("task already exists")]
    TaskAlreadyExists,
    #[error("task is archived and accepts no further commands")]
    TaskArchived,
    #[error("task is already completed")]
    TaskAlreadyCompleted,
    #[error("task is not completed")]
    TaskNotCompleted,
    #[error("task already has the maximum of {MAX_TAGS} tags")]
    TagLimitReached,
}

impl DomainError for TaskError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidTitle => "invalid_title",
            Self::InvalidDescription => "invalid_description",
            Self::InvalidAssignee => "invalid_assignee",
            Self::InvalidTag { .. } => "invalid_tag",
            Self::TooManyTags => "too_many_tags",
            Self::InvalidDueDate => "invalid_due_date",
            Self::TaskNotFound => "task_not_found",
            Self::TaskAlreadyExists => "task_already_exists",
            Self::TaskArchived => "task_archived",
            Self::TaskAlreadyCompleted => "task_already_completed",
            Self::TaskNotCompleted => "task_not_completed",
            Self::TagLimitReached => "tag_limit_reached",
        }
    }

    fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidTitle => ErrorKind::Invalid { field: "title" },
            Self::InvalidDescription => ErrorKind::Invalid {
                field: "description",
            },
            Self::InvalidAssignee => ErrorKind::Invalid { field: "assignee" },
            Self::InvalidTag { field } => ErrorKind::Invalid { field },
            Self::TooManyTags => ErrorKind::Invalid { field: "tags" },
            Self::InvalidDueDate => ErrorKind::Invalid { field: "due_date" },
            Self::TaskNotFound => ErrorKind::NotFound,
            Self::TaskAlreadyExists
            | Self::TaskArchived
            | Self::TaskAlreadyCompleted
            | Self::TaskNotCompleted
            | Self::TagLimitReached => ErrorKind::Conflict,
        }
    }
}
