//! Dropping a version that is not live: first marked `dropped` (every
//! projector stops consuming it within a second), then its tables,
//! checkpoints and parked events are deleted.

use std::time::Duration;

use chrono::{DateTime, Utc};
use read_model::versions::{Role, lock_all};
use read_model::{checkpoint, parked};
use serde::Serialize;
use sqlx::PgPool;

use super::{VersionError, tables};

/// How long after it stopped being live a version may be dropped without
/// `--force`. A query reads the live version once, at its start, and then may
/// wait for its consistency token (at most `QUERY_CONSISTENCY_MAX_WAIT_MS`,
/// 10 s by default) before reading the tables: dropping them sooner could
/// fail such a query.
pub const DROP_GRACE: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Serialize)]
pub struct Dropped {
    pub name: String,
    pub version: u32,
    /// What the version was before.
    pub was: Role,
}

/// Marks a version dropped: `version`, or when `None` the only standby
/// version. The live version cannot be dropped; a building one can (that
/// abandons the rebuild).
pub async fn drop_version(
    pool: &PgPool,
    name: &str,
    version: Option<u32>,
    force: bool,
) -> Result<Dropped, VersionError> {
    let mut transaction = pool.begin().await?;
    let versions = lock_all(&mut transaction, name).await?;
    let standby: Vec<u32> = versions
        .iter()
        .filter(|v| v.role == Role::Standby)
        .map(|v| v.version)
        .collect();
    let version = match (version, standby.as_slice()) {
        (Some(version), _) => version,
        (None, [only]) => *only,
        (None, []) => {
            return Err(VersionError::NothingToDrop {
                name: name.to_owned(),
            });
        }
        (None, several) => {
            return Err(VersionError::WhichVersion {
                name: name.to_owned(),
                versions: several.to_vec(),
            });
        }
    };
    let target = versions
        .iter()
        .find(|v| v.version == version && v.role != Role::Dropped)
        .ok_or_else(|| VersionError::NoSuchVersion {
            name: name.to_owned(),
            version,
        })?;
    if target.role == Role::Live {
        return Err(VersionError::IsLive {
            name: name.to_owned(),
            version,
        });
    }
    if target.role == Role::Standby && !force {
        let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()")
            .fetch_one(&mut *transaction)
            .await?;
        let retired = target.retired_at.unwrap_or(target.created_at);
        let seconds = (now - retired).num_seconds();
        if seconds < DROP_GRACE.as_secs() as i64 {
            return Err(VersionError::TooSoon {
                name: name.to_owned(),
                version,
                seconds,
            });
        }
    }
    sqlx::query(
        "UPDATE projection_versions SET state = 'dropped', dropped_at = now()
         WHERE projection = $1 AND version = $2",
    )
    .bind(name)
    .bind(version as i32)
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    tracing::info!(projection = name, version, was = %target.role, "version dropped");
    Ok(Dropped {
        name: name.to_owned(),
        version,
        was: target.role,
    })
}

/// Deletes the tables, checkpoints and parked events of a dropped version
/// (`tables` are its tables). Waits for a worker still finishing a batch on
/// its tables (DROP TABLE takes their lock).
pub async fn finish_drop(
    pool: &PgPool,
    name: &str,
    version: u32,
    tables: &[String],
) -> Result<(), VersionError> {
    let id = format!("{name}.v{version}");
    let mut transaction = pool.begin().await?;
    tables::drop_tables(&mut transaction, tables).await?;
    checkpoint::delete_all(&mut transaction, &id).await?;
    parked::delete_all(&mut transaction, &id).await?;
    transaction.commit().await?;
    Ok(())
}
