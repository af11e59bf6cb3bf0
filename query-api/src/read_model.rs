//! Which version of the `tasks` projection a request reads. Looked up once
//! per request (one indexed row) and used for every statement of it and for
//! its consistency wait: a request never mixes versions, and a switch
//! (`projector rebuild`, `rollback`) takes effect from the next request on.

use read_model::tasks::{self, TaskTables};
use read_model::versions;
use sqlx::PgPool;

/// Response header naming the version that served the request (`tasks.v2`).
pub const VERSION_HEADER: &str = "x-projection-version";

#[derive(Debug, Clone)]
pub struct ReadModel {
    /// `tasks.v2`: whose checkpoints the consistency wait follows.
    pub projection: String,
    pub version: u32,
    pub tables: TaskTables,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadModelError {
    #[error("no version of the {0} projection is live")]
    NoLiveVersion(&'static str),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl ReadModel {
    pub fn of_version(version: u32) -> Self {
        Self {
            projection: format!("{}.v{version}", tasks::NAME),
            version,
            tables: TaskTables::for_version(version),
        }
    }

    /// The version the query API serves now.
    pub async fn live(pool: &PgPool) -> Result<Self, ReadModelError> {
        let version = versions::live_version(pool, tasks::NAME)
            .await?
            .ok_or(ReadModelError::NoLiveVersion(tasks::NAME))?;
        Ok(Self::of_version(version))
    }
}
