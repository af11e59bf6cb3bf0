//! What a projection version is for: the `state` column of `projection_versions`.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Rebuilt from the start of the log; the query API does not read it yet.
    Building,
    /// The version the query API serves.
    Live,
    /// Live before; still kept up to date so `rollback` can switch back at once.
    Standby,
    /// Gone: its tables, checkpoints and parked events are deleted.
    Dropped,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Building => "building",
            Role::Live => "live",
            Role::Standby => "standby",
            Role::Dropped => "dropped",
        }
    }

    /// Whether projectors consume it.
    pub fn is_consumed(self) -> bool {
        self != Role::Dropped
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [Role::Building, Role::Live, Role::Standby, Role::Dropped]
            .into_iter()
            .find(|role| role.as_str() == text)
            .ok_or_else(|| format!("unknown projection version state {text:?}"))
    }
}
