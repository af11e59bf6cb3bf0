//! The field rules of a project, shared by command parsing (a bad value is an
//! HTTP 400 before any state is loaded) and by `decide` (for commands built in
//! code). Lengths count `char`s, like the JSON Schemas' `minLength`/`maxLength`.

use super::{ProjectCommand, ProjectError};
use crate::text::{trimmed_free_text, trimmed_single_line};

pub const NAME_MAX_CHARS: usize = 100;
pub const DESCRIPTION_MAX_CHARS: usize = 10_000;
/// A member is a subject (`sub` claim) of the identity provider.
pub const MEMBER_MAX_CHARS: usize = 200;
/// Keeps a project's state (and its snapshot) small.
pub const MAX_MEMBERS: usize = 500;

pub fn normalize_name(name: &str) -> Result<String, ProjectError> {
    trimmed_single_line(name, NAME_MAX_CHARS).ok_or(ProjectError::InvalidName)
}

pub fn normalize_description(description: Option<&str>) -> Result<Option<String>, ProjectError> {
    trimmed_free_text(description, DESCRIPTION_MAX_CHARS)
        .map_err(|_| ProjectError::InvalidDescription)
}

pub fn normalize_member(member: &str) -> Result<String, ProjectError> {
    trimmed_single_line(member, MEMBER_MAX_CHARS).ok_or(ProjectError::InvalidMember)
}

impl ProjectCommand {
    /// This command with every value trimmed and checked against the project field
    /// rules. Idempotent: a normalized command normalizes to itself.
    pub fn normalized(&self) -> Result<Self, ProjectError> {
        Ok(match self {
            Self::Create { name, description } => Self::Create {
                name: normalize_name(name)?,
                description: normalize_description(description.as_deref())?,
            },
            Self::Rename { name } => Self::Rename {
                name: normalize_name(name)?,
            },
            Self::AddMember { member } => Self::AddMember {
                member: normalize_member(member)?,
            },
            Self::RemoveMember { member } => Self::RemoveMember {
                member: normalize_member(member)?,
            },
            Self::Archive | Self::Restore => self.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_is_trimmed_single_line_and_bounded() {
        assert_eq!(normalize_name("  Launch \n").unwrap(), "Launch");
        assert!(normalize_name(&"é".repeat(NAME_MAX_CHARS)).is_ok());
        assert_eq!(
            normalize_name(&"é".repeat(NAME_MAX_CHARS + 1)),
            Err(ProjectError::InvalidName)
        );
        assert_eq!(normalize_name(" "), Err(ProjectError::InvalidName));
        assert_eq!(normalize_name("a\u{0}b"), Err(ProjectError::InvalidName));
    }

    #[test]
    fn description_is_free_text_and_blank_is_none() {
        assert_eq!(
            normalize_description(Some(" two\nlines "))
                .unwrap()
                .as_deref(),
            Some("two\nlines")
        );
        assert_eq!(normalize_description(Some("  ")).unwrap(), None);
        assert_eq!(
            normalize_description(Some("bell\u{7}")),
            Err(ProjectError::InvalidDescription)
        );
    }

    #[test]
    fn member_is_a_single_line_subject() {
        assert_eq!(normalize_member(" ada ").unwrap(), "ada");
        assert_eq!(normalize_member("a\tb"), Err(ProjectError::InvalidMember));
        assert_eq!(normalize_member(""), Err(ProjectError::InvalidMember));
    }
}
