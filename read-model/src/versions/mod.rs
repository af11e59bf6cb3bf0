//! The `projection_versions` table: the versions of each projection and which
//! one the query API serves. Changing roles (rebuild, switch, drop) is the
//! projector's; the plain reads, and the lock those changes take, are here.

mod role;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgExecutor, Row};

pub use role::Role;

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
pub async fn lock_all(
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

/// The `LISTEN`/`NOTIFY` channel on which every change of
/// `projection_versions` names its projection, at commit (a trigger, see
/// migration 0007), so readers can cache the live versions.
pub const NOTIFY_CHANNEL: &str = "projection_versions";

/// The version the query API serves (one indexed row).
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
