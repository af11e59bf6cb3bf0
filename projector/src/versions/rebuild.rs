//! Starting a rebuild: the next version of a projection, with its own empty
//! tables and no checkpoints, which the projectors' supervisors pick up and
//! consume from the start of the log with a new consumer group.

use read_model::versions::{Role, lock_all};
use serde::Serialize;
use sqlx::PgPool;

use super::{VersionError, tables};

#[derive(Debug, Clone, Serialize)]
pub struct RebuildStarted {
    pub name: String,
    /// The version being built.
    pub version: u32,
    /// The version the query API keeps serving meanwhile.
    pub live: u32,
}

/// Adds version max+1 of projection `name` as `building`, with tables
/// created like the live version's (`tables_of` names a version's tables).
/// Version numbers are never reused, so a dropped version's consumer group
/// or leftovers cannot leak into a new one.
pub async fn start_rebuild(
    pool: &PgPool,
    name: &str,
    tables_of: impl Fn(u32) -> Vec<String>,
) -> Result<RebuildStarted, VersionError> {
    let mut transaction = pool.begin().await?;
    let versions = lock_all(&mut transaction, name).await?;
    if let Some(building) = versions.iter().find(|v| v.role == Role::Building) {
        return Err(VersionError::RebuildInProgress {
            name: name.to_owned(),
            version: building.version,
        });
    }
    let live = versions
        .iter()
        .find(|v| v.role == Role::Live)
        .ok_or_else(|| VersionError::NoLiveVersion {
            name: name.to_owned(),
        })?
        .version;
    let version = versions.iter().map(|v| v.version).max().unwrap_or(0) + 1;
    tables::create_like(&mut transaction, &tables_of(live), &tables_of(version)).await?;
    sqlx::query(
        "INSERT INTO projection_versions (projection, version, state) VALUES ($1, $2, 'building')",
    )
    .bind(name)
    .bind(version as i32)
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    tracing::info!(projection = name, version, live, "rebuild started");
    Ok(RebuildStarted {
        name: name.to_owned(),
        version,
        live,
    })
}
