//! One watcher per process follows the checkpoints of every projection
//! version on every event topic the API knows through `LISTEN`, so a request
//! waiting for a position just awaits a channel: no request polls the
//! database. A request waits on the checkpoints of the version it reads, so
//! read-your-writes tokens keep working across a switch of versions; a
//! projection reading two topics has checkpoints on both.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use platform::position::Position;
use read_model::checkpoint::{self, CheckpointMoved, NOTIFY_CHANNEL};
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::watch;

use crate::topics::EventTopics;

/// A projection version's id, a topic and a partition.
type Key = (String, String, i32);

fn key(projection: &str, position: &Position) -> Key {
    (
        projection.to_owned(),
        position.topic.clone(),
        position.partition,
    )
}

pub struct CheckpointWatcher {
    /// Checkpoints of other topics are never waited for, so not kept.
    topics: EventTopics,
    pool: PgPool,
    /// Per projection version, topic and partition, the highest next offset seen.
    partitions: std::sync::Mutex<HashMap<Key, watch::Sender<i64>>>,
    connected: AtomicBool,
}

impl CheckpointWatcher {
    /// Listens first and then reads the table, so no move falls between the two.
    pub async fn start(pool: PgPool, topics: EventTopics) -> Result<Arc<Self>, sqlx::Error> {
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(NOTIFY_CHANNEL).await?;
        let watcher = Arc::new(Self {
            topics,
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

    /// Whether the checkpoint of `projection` for the position's topic and
    /// partition is already past its offset.
    pub fn has_passed(&self, projection: &str, position: &Position) -> bool {
        *self.sender(&key(projection, position)).borrow() > position.offset
    }

    /// True once the checkpoint of `projection` (`tasks.v2`) for the
    /// position's topic and partition is past its offset; false when `wait`
    /// runs out first.
    pub async fn wait_past(&self, projection: &str, position: &Position, wait: Duration) -> bool {
        let (key, offset) = (key(projection, position), position.offset);
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

    async fn read(&self, (projection, topic, partition): &Key) -> Result<Option<i64>, sqlx::Error> {
        Ok(
            checkpoint::load(&self.pool, projection, topic, &[*partition])
                .await?
                .get(partition)
                .copied(),
        )
    }

    async fn reload(&self) -> Result<(), sqlx::Error> {
        for moved in checkpoint::all(&self.pool).await? {
            self.observe_move(moved);
        }
        Ok(())
    }

    fn observe_move(&self, moved: CheckpointMoved) {
        if self.topics.contains(&moved.topic) {
            self.observe(
                &(moved.projection, moved.topic, moved.partition),
                moved.next_offset,
            );
        }
    }

    async fn follow(self: Arc<Self>, mut listener: PgListener) {
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    match serde_json::from_str::<CheckpointMoved>(notification.payload()) {
                        Ok(moved) => self.observe_move(moved),
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
