//! The instance's local on-disk copy of its partitions' committed stream
//! state: one redb file per events topic in `COMMAND_STATE_DIR`, a table of
//! snapshots per partition, and per partition a checkpoint written in the
//! same transaction as the data it describes.
//!
//! Only committed state is ever written here (a restore's reads are
//! read_committed; a batch is written after its Kafka commit), so the store
//! is always a prefix of what the state and events topics hold, and can be
//! wiped and rebuilt from them at any time. Its commits are not fsynced one
//! by one: a crash may lose the newest ones, which rolls the store back to an
//! older checkpoint, still consistent with its data, and the next restore
//! reads that much more of the state topic.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use redb::{Database, Durability, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Each partition's checkpoint, keyed by partition.
const CHECKPOINTS: TableDefinition<i32, &[u8]> = TableDefinition::new("checkpoints");

/// redb keeps recently used pages in memory; its default of 1 GiB would be
/// the largest part of the instance's memory.
const PAGE_CACHE_BYTES: usize = 16 * 1024 * 1024;

/// Commits are made durable at most this often (an fsync each); the others
/// survive a clean shutdown or are re-read from Kafka after a crash.
const DURABLE_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, thiserror::Error)]
pub enum StateStoreError {
    #[error(
        "the state directory {path:?} is in use by another command API instance \
         (each instance needs its own COMMAND_STATE_DIR)"
    )]
    Locked { path: PathBuf },
    #[error("cannot create the state directory {path:?}: {source}")]
    Directory {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the state store {path:?}: {source}")]
    Open {
        path: PathBuf,
        source: redb::DatabaseError,
    },
    #[error("state store failure: {0}")]
    Store(#[from] redb::Error),
    #[error("unreadable state store record: {0}")]
    Corrupt(String),
    #[error("a stream's state does not serialize: {0}")]
    Encode(#[from] serde_json::Error),
}

/// Where a partition's store stands, written atomically with its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Which cluster, topic and snapshot format the data belongs to; any
    /// other means the data is not this partition's and is wiped.
    pub identity: String,
    /// The last state topic offset whose snapshot the store holds; -1 when none.
    pub state_offset: i64,
    /// The last events topic offset the stored state includes.
    pub covered: Option<i64>,
}

/// One events topic's store: `<dir>/<topic>.redb`, locked while open.
pub struct StateStore {
    database: Database,
    path: PathBuf,
    last_durable: Mutex<Instant>,
}

impl std::fmt::Debug for StateStore {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("StateStore")
            .field("path", &self.path)
            .finish()
    }
}

impl StateStore {
    pub fn open(dir: &Path, topic: &str) -> Result<Self, StateStoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StateStoreError::Directory {
            path: dir.to_owned(),
            source,
        })?;
        let path = dir.join(format!("{topic}.redb"));
        let database = Database::builder()
            .set_cache_size(PAGE_CACHE_BYTES)
            .create(&path)
            .map_err(|source| match source {
                redb::DatabaseError::DatabaseAlreadyOpen => {
                    StateStoreError::Locked { path: path.clone() }
                }
                source => StateStoreError::Open {
                    path: path.clone(),
                    source,
                },
            })?;
        Ok(Self {
            database,
            path,
            last_durable: Mutex::new(Instant::now()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn checkpoint(&self, partition: i32) -> Result<Option<Checkpoint>, StateStoreError> {
        let read = self.database.begin_read().map_err(redb::Error::from)?;
        let table = match read.open_table(CHECKPOINTS) {
            Ok(table) => table,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(error) => return Err(redb::Error::from(error).into()),
        };
        let Some(value) = table.get(partition).map_err(redb::Error::from)? else {
            return Ok(None);
        };
        serde_json::from_slice(value.value())
            .map(Some)
            .map_err(|error| StateStoreError::Corrupt(format!("checkpoint: {error}")))
    }

    /// The stored values of `ids`, in their order.
    pub fn get_many(
        &self,
        partition: i32,
        ids: &[Uuid],
    ) -> Result<Vec<Option<Vec<u8>>>, StateStoreError> {
        let read = self.database.begin_read().map_err(redb::Error::from)?;
        let table = match read.open_table(streams_table(partition).streams()) {
            Ok(table) => table,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(vec![None; ids.len()]),
            Err(error) => return Err(redb::Error::from(error).into()),
        };
        ids.iter()
            .map(|id| {
                let value = table.get(id.as_u128()).map_err(redb::Error::from)?;
                Ok(value.map(|guard| guard.value().to_vec()))
            })
            .collect()
    }

    /// The streams whose state was folded from events and whose snapshot is
    /// not in the state topic yet.
    pub fn owed_snapshots(&self, partition: i32) -> Result<Vec<Uuid>, StateStoreError> {
        let read = self.database.begin_read().map_err(redb::Error::from)?;
        let table = match read.open_table(owed_table(partition).owed()) {
            Ok(table) => table,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(error) => return Err(redb::Error::from(error).into()),
        };
        let mut owed = Vec::new();
        for entry in table.iter().map_err(redb::Error::from)? {
            let (id, _) = entry.map_err(redb::Error::from)?;
            owed.push(Uuid::from_u128(id.value()));
        }
        Ok(owed)
    }

    /// Forgets everything stored for `partition`.
    pub fn wipe(&self, partition: i32) -> Result<(), StateStoreError> {
        let write = self.database.begin_write().map_err(redb::Error::from)?;
        write
            .delete_table(streams_table(partition).streams())
            .map_err(redb::Error::from)?;
        write
            .delete_table(owed_table(partition).owed())
            .map_err(redb::Error::from)?;
        write
            .open_table(CHECKPOINTS)
            .map_err(redb::Error::from)?
            .remove(partition)
            .map_err(redb::Error::from)?;
        write.commit().map_err(redb::Error::from)?;
        Ok(())
    }

    /// Applies `batch` to `partition` in one transaction.
    pub fn write(&self, partition: i32, batch: &StoreWrite) -> Result<(), StateStoreError> {
        let mut write = self.database.begin_write().map_err(redb::Error::from)?;
        let durable = {
            let mut last = self.last_durable.lock().expect("state store lock");
            let due = last.elapsed() >= DURABLE_EVERY;
            if due {
                *last = Instant::now();
            }
            due
        };
        write
            .set_durability(if durable {
                Durability::Immediate
            } else {
                Durability::None
            })
            .map_err(|error| StateStoreError::Corrupt(error.to_string()))?;
        {
            let mut streams = write
                .open_table(streams_table(partition).streams())
                .map_err(redb::Error::from)?;
            for (id, value) in &batch.streams {
                match value {
                    Some(value) => streams.insert(id.as_u128(), value.as_slice()),
                    None => streams.remove(id.as_u128()),
                }
                .map_err(redb::Error::from)?;
            }
            let mut owed = write
                .open_table(owed_table(partition).owed())
                .map_err(redb::Error::from)?;
            for id in &batch.owed {
                owed.insert(id.as_u128(), ()).map_err(redb::Error::from)?;
            }
            for id in &batch.paid {
                owed.remove(id.as_u128()).map_err(redb::Error::from)?;
            }
            if let Some(checkpoint) = &batch.checkpoint {
                let value = serde_json::to_vec(checkpoint).expect("a checkpoint serializes");
                write
                    .open_table(CHECKPOINTS)
                    .map_err(redb::Error::from)?
                    .insert(partition, value.as_slice())
                    .map_err(redb::Error::from)?;
            }
        }
        write.commit().map_err(redb::Error::from)?;
        Ok(())
    }
}

/// One transaction's changes to a partition.
#[derive(Debug, Default)]
pub struct StoreWrite {
    /// A stream's new stored value, or `None` to forget it; in order.
    pub streams: Vec<(Uuid, Option<Vec<u8>>)>,
    /// Streams whose snapshot is owed to the state topic.
    pub owed: Vec<Uuid>,
    /// Streams whose owed snapshot is now committed to the state topic.
    pub paid: Vec<Uuid>,
    pub checkpoint: Option<Checkpoint>,
}

impl StoreWrite {
    pub fn is_empty(&self) -> bool {
        self.streams.is_empty()
            && self.owed.is_empty()
            && self.paid.is_empty()
            && self.checkpoint.is_none()
    }
}

/// A table name that owns its string, as redb's definitions borrow theirs.
struct TableName(String);

impl TableName {
    fn streams(&self) -> TableDefinition<'_, u128, &'static [u8]> {
        TableDefinition::new(&self.0)
    }

    fn owed(&self) -> TableDefinition<'_, u128, ()> {
        TableDefinition::new(&self.0)
    }
}

fn streams_table(partition: i32) -> TableName {
    TableName(format!("streams.{partition}"))
}

fn owed_table(partition: i32) -> TableName {
    TableName(format!("owed_snapshots.{partition}"))
}
