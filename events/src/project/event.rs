use serde::{Deserialize, Serialize};

use super::codec;
use crate::{DecodeError, DomainEvent};

/// Something that happened to a project. Always holds values that passed the
/// project rules. Every type is at schema version 1 (`schemas/json/project/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectEvent {
    Created(ProjectCreated),
    Renamed { name: String },
    Archived,
    Restored,
    MemberAdded { member: String },
    MemberRemoved { member: String },
}

/// The data of `ProjectCreated`. Every key is always written; absent values are `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectCreated {
    pub name: String,
    pub description: Option<String>,
}

impl ProjectEvent {
    /// Every event type a project stream can hold.
    pub const EVENT_TYPES: [&'static str; 6] = [
        "ProjectCreated",
        "ProjectRenamed",
        "ProjectArchived",
        "ProjectRestored",
        "ProjectMemberAdded",
        "ProjectMemberRemoved",
    ];
}

impl DomainEvent for ProjectEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Created(_) => "ProjectCreated",
            Self::Renamed { .. } => "ProjectRenamed",
            Self::Archived => "ProjectArchived",
            Self::Restored => "ProjectRestored",
            Self::MemberAdded { .. } => "ProjectMemberAdded",
            Self::MemberRemoved { .. } => "ProjectMemberRemoved",
        }
    }

    fn schema_version(&self) -> u32 {
        1
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
