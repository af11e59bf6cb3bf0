use super::rules::{DESCRIPTION_MAX_CHARS, MAX_MEMBERS, MEMBER_MAX_CHARS, NAME_MAX_CHARS};
use crate::{DomainError, ErrorKind};

/// A project rule a command broke. See [`DomainError::code`] for the stable codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProjectError {
    #[error(
        "name must be 1 to {NAME_MAX_CHARS} characters after trimming, without control characters"
    )]
    InvalidName,
    #[error(
        "description must be at most {DESCRIPTION_MAX_CHARS} characters, without control characters other than tab and line breaks"
    )]
    InvalidDescription,
    #[error(
        "member must be 1 to {MEMBER_MAX_CHARS} characters after trimming, without control characters"
    )]
    InvalidMember,
    #[error("project not found")]
    ProjectNotFound,
    #[error("project already exists")]
    ProjectAlreadyExists,
    #[error("project is archived: restore it first")]
    ProjectArchived,
    #[error("project is already archived")]
    ProjectAlreadyArchived,
    #[error("project is not archived")]
    ProjectNotArchived,
    #[error("project already has the maximum of {MAX_MEMBERS} members")]
    MemberLimitReached,
}

impl DomainError for ProjectError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidName => "invalid_name",
            Self::InvalidDescription => "invalid_description",
            Self::InvalidMember => "invalid_member",
            Self::ProjectNotFound => "project_not_found",
            Self::ProjectAlreadyExists => "project_already_exists",
            Self::ProjectArchived => "project_archived",
            Self::ProjectAlreadyArchived => "project_already_archived",
            Self::ProjectNotArchived => "project_not_archived",
            Self::MemberLimitReached => "member_limit_reached",
        }
    }

    fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidName => ErrorKind::Invalid { field: "name" },
            Self::InvalidDescription => ErrorKind::Invalid {
                field: "description",
            },
            Self::InvalidMember => ErrorKind::Invalid { field: "member" },
            Self::ProjectNotFound => ErrorKind::NotFound,
            Self::ProjectAlreadyExists
            | Self::ProjectArchived
            | Self::ProjectAlreadyArchived
            | Self::ProjectNotArchived
            | Self::MemberLimitReached => ErrorKind::Conflict,
        }
    }
}
