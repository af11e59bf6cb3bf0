use crate::task::TaskError;
use crate::{DomainError, ErrorKind};

#[test]
fn codes_and_kinds_are_stable() {
    let expected = [
        (
            TaskError::InvalidTitle,
            "invalid_title",
            ErrorKind::Invalid { field: "title" },
        ),
        (
            TaskError::InvalidDescription,
            "invalid_description",
            ErrorKind::Invalid {
                field: "description",
            },
        ),
        (
            TaskError::InvalidAssignee,
            "invalid_assignee",
            ErrorKind::Invalid { field: "assignee" },
        ),
        (
            TaskError::InvalidTag { field: "tag" },
            "invalid_tag",
            ErrorKind::Invalid { field: "tag" },
        ),
        (
            TaskError::InvalidTag { field: "tags" },
            "invalid_tag",
            ErrorKind::Invalid { field: "tags" },
        ),
        (
            TaskError::TooManyTags,
            "too_many_tags",
            ErrorKind::Invalid { field: "tags" },
        ),
        (
            TaskError::InvalidDueDate,
            "invalid_due_date",
            ErrorKind::Invalid { field: "due_date" },
        ),
        (
            TaskError::TaskNotFound,
            "task_not_found",
            ErrorKind::NotFound,
        ),
        (
            TaskError::TaskAlreadyExists,
            "task_already_exists",
            ErrorKind::Conflict,
        ),
        (
            TaskError::TaskArchived,
            "task_archived",
            ErrorKind::Conflict,
        ),
        (
            TaskError::TaskAlreadyCompleted,
            "task_already_completed",
            ErrorKind::Conflict,
        ),
        (
            TaskError::TaskNotCompleted,
            "task_not_completed",
            ErrorKind::Conflict,
        ),
        (
            TaskError::TagLimitReached,
            "tag_limit_reached",
            ErrorKind::Conflict,
        ),
    ];
    for (error, code, kind) in expected {
        assert_eq!(error.code(), code, "{error:?}");
        assert_eq!(error.kind(), kind, "{error:?}");
    }
}

#[test]
fn messages_state_the_limits() {
    assert_eq!(
        TaskError::InvalidTitle.to_string(),
        "title must be 1 to 200 characters after trimming, without control characters"
    );
    assert_eq!(
        TaskError::TagLimitReached.to_string(),
        "task already has the maximum of 20 tags"
    );
}
