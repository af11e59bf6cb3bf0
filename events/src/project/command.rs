use serde::Serialize;

use crate::Command;

/// A request to change a project. Built by [`super::parse_command`], which trims
/// and validates every value; `decide` re-checks the same rules for commands built
/// in code.
///
/// Serializes as `{"command": "<name>", ...fields}` (e.g. for logs and audit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "command", rename_all = "kebab-case")]
pub enum ProjectCommand {
    Create {
        name: String,
        description: Option<String>,
    },
    Rename {
        name: String,
    },
    Archive,
    Restore,
    AddMember {
        member: String,
    },
    RemoveMember {
        member: String,
    },
}

impl ProjectCommand {
    /// Every command name, as accepted by [`super::parse_command`].
    pub const NAMES: [&'static str; 6] = [
        "create",
        "rename",
        "archive",
        "restore",
        "add-member",
        "remove-member",
    ];
}

impl Command for ProjectCommand {
    fn name(&self) -> &'static str {
        match self {
            Self::Create { .. } => "create",
            Self::Rename { .. } => "rename",
            Self::Archive => "archive",
            Self::Restore => "restore",
            Self::AddMember { .. } => "add-member",
            Self::RemoveMember { .. } => "remove-member",
        }
    }

    fn is_create(&self) -> bool {
        matches!(self, Self::Create { .. })
    }
}
