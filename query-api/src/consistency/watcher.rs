//! One watcher per process follows the checkpoints of every projection
//! version on the topic through `LISTEN`, so a request waiting for a position
//! just awaits a channel: no request polls the database. A request waits on
//! the checkpoints of the version it reads, so read-your-writes tokens keep
//! working across a switch of versions.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use read_model::checkpoint::{self, CheckpointMoved, NOTIFY_CHANNEL};
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::watch;

/// A projection version's id and a partition.
type Key = (String, i32);

pub struct CheckpointWatcher {
    topic: String,
    pool: PgPool,
    /// Per projection version and partition, the highest next offset seen.
    partitions: std::sync::Mutex<HashMap<Key, watch::Sender<i64>>>,
    connected: AtomicBool,
}

impl CheckpointWatcher {
    /// Listens first and then reads the table, so no move falls between the two.
    pub async fn start(pool: PgPool, topic: String) -> Result<Arc<Self>, sqlx::Error> {
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(NOTIFY_CHANNEL).await?;
        let watcher = Arc::new(Self {
            topic,
            pool,
            partitions: std::sync::Mutex::new(HashMap::new()),
            connected: AtomicBool::new(true),
        });
        watcher.reload().await?;
        tokio::spawn(watcher.clone().follow(listener));
        Ok(watcher)
    }

    pub fn connected(&self) -> bool {
        self.connected.load(Ordering::SeqCst)
    }

    /// Whether the checkpoint of `projection` for `partition` is already past `offset`.
    pub fn has_passed(&self, projection: &str, partition: i32, offset: i64) -> bool {
        *self.sender(&(projection.to_owned(), partition)).borrow() > offset
    }

    /// True once the checkpoint of `projection` (`tasks.v2`) for `partition`
    /// is past `offset`; false when `wait` runs out first.
    pub async fn wait_past(
        &self,
        projection: &str,
        partition: i32,
        offset: i64,
        wait: Duration,
    ) -> bool {
        let key = (projection.to_owned(), partition);
        let mut receiver = self.sender(&key).subscribe();
        if tokio::time::timeout(wait, receiver.wait_for(|next| *next > offset))
            .await
            .is_ok_and(|r| r.is_ok())
        {
            return true;
        }
        // One last look at the table itself, in case a notification was lost
        // with a connection: never answer stale when the data is there.
        match self.read(&key).await {
            Ok(Some(next)) => {
                self.observe(&key, next);
                next > offset
            }
            _ => false,
        }
    }

    fn sender(&self, key: &Key) -> watch::Sender<i64> {
        let mut partitions = self
            .partitions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        partitions
            .entry(key.clone())
            .or_insert_with(|| watch::channel(0).0)
            .clone()
    }

    fn observe(&self, key: &Key, next_offset: i64) {
        self.sender(key).send_if_modified(|known| {
            let moved = next_offset > *known;
            if moved {
                *known = next_offset;
            }
            moved
        });
    }

    async fn read(&self, (projection, partition): &Key) -> Result<Option<i64>, sqlx::Error> {
        Ok(
            checkpoint::load(&self.pool, projection, &self.topic, &[*partition])
                .await?
                .get(partition)
                .copied(),
        )
    }

    async fn reload(&self) -> Result<(), sqlx::Error> {
        for moved in checkpoint::all(&self.pool).await? {
            if moved.topic == self.topic {
                self.observe(&(moved.projection, moved.partition), moved.next_offset);
            }
        }
        Ok(())
    }

    async fn follow(self: Arc<Self>, mut listener: PgListener) {
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    match serde_json::from_str::<CheckpointMoved>(notification.payload()) {
                        Ok(moved) if moved.topic == self.topic => {
                            self.observe(&(moved.projection, moved.partition), moved.next_offset)
                        }
                        Ok(_) => {}
                        Err(error) => {
                            tracing::warn!(%error, payload = notification.payload(), "unreadable checkpoint notification")
                        }
                    }
                }
                // The connection was lost and is back (listening again):
                // whatever moved meanwhile is in the table.
                Ok(None) => {
                    self.connected.store(false, Ordering::SeqCst);
                    tracing::warn!("checkpoint listener reconnected; reloading the checkpoints");
                    if self.reload().await.is_ok() {
                        self.connected.store(true, Ordering::SeqCst);
                    }
                }
                Err(error) => {
                    self.connected.store(false, Ordering::SeqCst);
                    tracing::warn!(%error, "checkpoint listener failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    if self.reload().await.is_ok() {
                        self.connected.store(true, Ordering::SeqCst);
                    }
                }
            }
        }
    }
}
