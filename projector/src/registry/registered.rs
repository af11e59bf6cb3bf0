//! A registered projection with its event type erased, so that projections
//! of different types sit in one registry and are reached by name. Each
//! method is a generic operation of the engine, instantiated for the
//! projection at the version asked for.

use futures::future::{BoxFuture, LocalBoxFuture};
use sqlx::PgPool;

use crate::engine::{self, SpawnError, WorkerHandle, WorkerSettings};
use crate::parked::{self, ReleaseError, Released};
use crate::projection::{Kind, Projection};

pub trait RegisteredProjection: Send + Sync {
    /// The projection's name, the same for every version (`tasks`).
    fn name(&self) -> &'static str;

    fn kind(&self) -> Kind;

    /// The topic names it reads, within the events prefix.
    fn topic_names(&self) -> &'static [&'static str];

    /// The tables `version` writes.
    fn tables(&self, version: u32) -> Vec<String>;

    /// Starts a worker consuming into `version` (see [`engine::spawn`]).
    fn spawn_worker(
        &self,
        version: u32,
        settings: WorkerSettings,
    ) -> BoxFuture<'static, Result<WorkerHandle, SpawnError>>;

    /// Re-applies a parked stream of `version` (see [`parked::retry`]).
    // Local: applying runs the projection's futures, which need not be `Send`.
    fn retry<'a>(
        &'a self,
        pool: &'a PgPool,
        version: u32,
        id: i64,
    ) -> LocalBoxFuture<'a, Result<Released, ReleaseError>>;

    /// Skips a parked event of `version` (see [`parked::skip`]).
    fn skip<'a>(
        &'a self,
        pool: &'a PgPool,
        version: u32,
        id: i64,
        by: &'a str,
        reason: &'a str,
    ) -> LocalBoxFuture<'a, Result<Released, ReleaseError>>;
}

pub fn erase<P: Projection>(projection: P) -> Box<dyn RegisteredProjection> {
    Box::new(Registered(projection))
}

struct Registered<P>(P);

impl<P: Projection> RegisteredProjection for Registered<P> {
    fn name(&self) -> &'static str {
        self.0.id().name
    }

    fn kind(&self) -> Kind {
        self.0.kind()
    }

    fn topic_names(&self) -> &'static [&'static str] {
        self.0.topic_names()
    }

    fn tables(&self, version: u32) -> Vec<String> {
        self.0.at_version(version).tables()
    }

    fn spawn_worker(
        &self,
        version: u32,
        settings: WorkerSettings,
    ) -> BoxFuture<'static, Result<WorkerHandle, SpawnError>> {
        Box::pin(engine::spawn(self.0.at_version(version), settings))
    }

    fn retry<'a>(
        &'a self,
        pool: &'a PgPool,
        version: u32,
        id: i64,
    ) -> LocalBoxFuture<'a, Result<Released, ReleaseError>> {
        Box::pin(async move { parked::retry(pool, &self.0.at_version(version), id).await })
    }

    fn skip<'a>(
        &'a self,
        pool: &'a PgPool,
        version: u32,
        id: i64,
        by: &'a str,
        reason: &'a str,
    ) -> LocalBoxFuture<'a, Result<Released, ReleaseError>> {
        Box::pin(
            async move { parked::skip(pool, &self.0.at_version(version), id, by, reason).await },
        )
    }
}
