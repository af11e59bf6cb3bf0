//! What operators do to a running platform: rebuild a projection, switch
//! back to the previous version, drop a version, and retry or skip parked
//! events. The CLI (`projector rebuild|rollback|drop|parked`) and the HTTP
//! endpoints the console uses (`POST /v1/projections/...`, `/v1/parked/...`)
//! both call these, so a terminal and a browser act alike.

mod parked;
mod versions;

use std::sync::Arc;

use sqlx::PgPool;

pub use parked::{ParkedView, tenant_of};
pub use versions::{DroppedVersion, Rebuilding};

use crate::parked::ReleaseError;
use crate::registry::{Registry, UnknownProjection};
use crate::status::StatusSource;
use crate::versions::VersionError;

/// Why an operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum OperationError {
    #[error(transparent)]
    UnknownProjection(#[from] UnknownProjection),
    #[error(transparent)]
    Version(#[from] VersionError),
    #[error(transparent)]
    Release(#[from] ReleaseError),
    #[error("parked event {id} names a projection this build does not know: {projection}")]
    ForeignParkedEvent { id: i64, projection: String },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("Kafka error: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    #[error("the Kafka task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// The operations, over the serving configuration's database and Kafka and
/// the projections this process knows.
pub struct Operations {
    pool: PgPool,
    source: StatusSource,
    registry: Arc<Registry>,
    brokers: String,
}

impl Operations {
    pub fn new(pool: PgPool, source: StatusSource, registry: Arc<Registry>, brokers: &str) -> Self {
        Self {
            pool,
            source,
            registry,
            brokers: brokers.to_owned(),
        }
    }

    pub fn source(&self) -> &StatusSource {
        &self.source
    }
}
