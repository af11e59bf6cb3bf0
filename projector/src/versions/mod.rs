//! The versions of each projection and which one the query API serves.
//! `rebuild` adds a version beside the live one, the projectors switch to it
//! once it has caught up (`switch`), `rollback` switches back to the version
//! that was live before, and `drop` removes a version that is not live.

mod drop;
mod rebuild;
mod switch;
mod tables;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgExecutor, Row};

pub use drop::{DROP_GRACE, Dropped, drop_version, finish_drop};
pub use rebuild::{RebuildStarted, start_rebuild};
pub use switch::{BARRIER_TIMEOUT, Switched, switch_back, switch_to, switch_to_building};

/// What a version is for.
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

/// A row of `projection_versions`.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectionVersion {
    pub name: String,
    pub version: u32,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub live_since: Option<DateTime<Utc>>,
    pub retired_at: Option<DateTime<Utc>>,
}

impl ProjectionVersion {
    /// `tasks.v2`: its checkpoints' and parked events' projection, its group's suffix.
    pub fn id(&self) -> String {
        format!("{}.v{}", self.name, self.version)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VersionError {
    #[error("no projection is named {0:?}")]
    UnknownProjection(String),
    #[error("{name} has no version {version}")]
    NoSuchVersion { name: String, version: u32 },
    #[error("{name} has no live version")]
    NoLiveVersion { name: String },
    #[error(
        "a rebuild of {name} is already in progress: {name}.v{version} (drop it to start over)"
    )]
    RebuildInProgress { name: String, version: u32 },
    #[error("{name}.v{version} is live: switch to another version first")]
    IsLive { name: String, version: u32 },
    #[error("{name}.v{version} is {role}, not {expected}")]
    WrongRole {
        name: String,
        version: u32,
        role: Role,
        expected: &'static str,
    },
    #[error("{name} has no standby version to roll back to")]
    NothingToRollBackTo { name: String },
    #[error("{name} has no standby version to drop (name a building one with --version)")]
    NothingToDrop { name: String },
    #[error(
        "{name} has several standby versions ({versions:?}): name the one to drop with --version"
    )]
    WhichVersion { name: String, versions: Vec<u32> },
    #[error(
        "{name}.v{version} stopped serving {seconds}s ago: queries that started before the switch may still read it; wait {DROP_GRACE:?} after a switch or pass --force"
    )]
    TooSoon {
        name: String,
        version: u32,
        seconds: i64,
    },
    #[error(
        "{name}.v{target} did not reach the checkpoints of the live {name}.v{live} within {waited:?} (behind on partitions {behind:?}); is a projector consuming it?"
    )]
    NotCaughtUp {
        name: String,
        target: u32,
        live: u32,
        waited: std::time::Duration,
        behind: Vec<i32>,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

const COLUMNS: &str = "projection, version, state, created_at, live_since, retired_at";

fn from_row(row: &sqlx::postgres::PgRow) -> Result<ProjectionVersion, sqlx::Error> {
    let state: String = row.try_get("state")?;
    let version: i32 = row.try_get("version")?;
    Ok(ProjectionVersion {
        name: row.try_get("projection")?,
        version: version as u32,
        role: state
            .parse()
            .map_err(|reason: String| sqlx::Error::ColumnDecode {
                index: "state".into(),
                source: reason.into(),
            })?,
        created_at: row.try_get("created_at")?,
        live_since: row.try_get("live_since")?,
        retired_at: row.try_get("retired_at")?,
    })
}

/// Every version not dropped, by projection and version.
pub async fn list<'e>(
    executor: impl PgExecutor<'e>,
) -> Result<Vec<ProjectionVersion>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM projection_versions WHERE state <> 'dropped' ORDER BY projection, version"
    ))
    .fetch_all(executor)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The versions of one projection, dropped ones included, locked for the
/// rest of the transaction: every change of roles takes this lock first, so
/// rebuilds, switches and drops of a projection happen one at a time.
pub(crate) async fn lock_all(
    transaction: &mut sqlx::PgConnection,
    name: &str,
) -> Result<Vec<ProjectionVersion>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM projection_versions WHERE projection = $1 ORDER BY version FOR UPDATE"
    ))
    .bind(name)
    .fetch_all(&mut *transaction)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The version the query API serves (read per request: one indexed row).
pub async fn live_version<'e>(
    executor: impl PgExecutor<'e>,
    name: &str,
) -> Result<Option<u32>, sqlx::Error> {
    let version: Option<i32> = sqlx::query_scalar(
        "SELECT version FROM projection_versions WHERE projection = $1 AND state = 'live'",
    )
    .bind(name)
    .fetch_optional(executor)
    .await?;
    Ok(version.map(|version| version as u32))
}

/// Makes version 1 of a projection live when it has no version at all (a
/// projection registered after the migrations that seed the first ones).
pub async fn ensure_registered<'e>(
    executor: impl PgExecutor<'e>,
    name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO projection_versions (projection, version, state, live_since)
         SELECT $1, 1, 'live', now()
         WHERE NOT EXISTS (SELECT 1 FROM projection_versions WHERE projection = $1)
         ON CONFLICT DO NOTHING",
    )
    .bind(name)
    .execute(executor)
    .await?;
    Ok(())
}
