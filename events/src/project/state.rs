use serde::{Deserialize, Serialize};

/// The state of one project, rebuilt by folding its events with [`super::evolve`].
///
/// `Project::default()` is the state before `ProjectCreated`: `created` is false
/// and every other field is meaningless.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// Set by `ProjectCreated`; lets `decide` tell "not found" from "exists".
    pub created: bool,
    pub name: String,
    pub description: Option<String>,
    /// Subjects (`sub` claims), in the order they were added; never duplicated.
    pub members: Vec<String>,
    pub status: ProjectStatus,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProjectStatus {
    #[default]
    Active,
    Archived,
}

impl ProjectStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Archived => "archived",
        }
    }
}

impl Project {
    pub fn has_member(&self, member: &str) -> bool {
        self.members.iter().any(|existing| existing == member)
    }

    pub fn is_archived(&self) -> bool {
        self.status == ProjectStatus::Archived
    }
}
