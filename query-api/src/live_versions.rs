//! Which version of each projection is live, cached in memory and kept
//! current through `LISTEN projection_versions` (a trigger announces every
//! change of `projection_versions` at commit), so a request does not read it
//! from the database. Notifications arrive in commit order and each one is
//! answered by reading the row again, so the cached version of a projection
//! moves only with the switches, in their order: a client of this process
//! never reads a version after a newer one (bar an operator's rollback).
//! While the listener is not connected, requests read the row themselves.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use read_model::versions::{self, NOTIFY_CHANNEL};
use sqlx::PgPool;
use sqlx::postgres::PgListener;

pub struct LiveVersions {
    pool: PgPool,
    /// Projection name → live version; a name missing is not known yet.
    live: RwLock<HashMap<String, Option<u32>>>,
    connected: AtomicBool,
}

impl LiveVersions {
    /// Listens first, so no switch falls between the listen and a read.
    pub async fn start(pool: PgPool) -> Result<Arc<Self>, sqlx::Error> {
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(NOTIFY_CHANNEL).await?;
        let live = Arc::new(Self {
            pool,
            live: RwLock::new(HashMap::new()),
            connected: AtomicBool::new(true),
        });
        tokio::spawn(live.clone().follow(listener));
        Ok(live)
    }

    /// The live version of `name`: from the cache while the listener is
    /// connected, else (or the first time) from the database.
    pub async fn of(&self, name: &str) -> Result<Option<u32>, sqlx::Error> {
        if self.connected.load(Ordering::SeqCst)
            && let Some(version) = self.cached(name)
        {
            return Ok(version);
        }
        let version = versions::live_version(&self.pool, name).await?;
        // Only where the listener has not stored a version meanwhile: the
        // listener's read is the newer one.
        self.live
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(name.to_owned())
            .or_insert(version);
        Ok(version)
    }

    fn cached(&self, name: &str) -> Option<Option<u32>> {
        self.live
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(name)
            .copied()
    }

    /// Reads `name`'s live version after a notification and stores it.
    async fn refresh(&self, name: &str) -> Result<(), sqlx::Error> {
        let version = versions::live_version(&self.pool, name).await?;
        self.live
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(name.to_owned(), version);
        Ok(())
    }

    /// Forgets every cached version: the next request of each reads it again.
    fn forget_all(&self) {
        self.live
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    async fn follow(self: Arc<Self>, mut listener: PgListener) {
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    let name = notification.payload();
                    if let Err(error) = self.refresh(name).await {
                        // Read per request until a refresh succeeds.
                        tracing::warn!(%error, projection = name, "cannot read the live version");
                        self.live
                            .write()
                            .unwrap_or_else(|poisoned| poisoned.into_inner())
                            .remove(name);
                    }
                }
                // The connection was lost and is back (listening again):
                // whatever switched meanwhile is read afresh.
                Ok(None) => {
                    tracing::warn!("projection version listener reconnected");
                    self.forget_all();
                    self.connected.store(true, Ordering::SeqCst);
                }
                Err(error) => {
                    self.connected.store(false, Ordering::SeqCst);
                    self.forget_all();
                    tracing::warn!(%error, "projection version listener failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
}
