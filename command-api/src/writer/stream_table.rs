//! What a partition's writer knows: the state and version of every stream in
//! the partition, with the commands that arrived with an idempotency key,
//! kept in the state store with the recently used streams in memory.
//! A batch decides against an overlay and only merges it after its commit.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use events::Aggregate;
use uuid::Uuid;

use super::snapshot::{from_stored, to_stored};
use super::state_store::{Checkpoint, StateStore, StateStoreError, StoreWrite};
use super::stream_cache::StreamCache;

/// Where a stream's or command's event is: committed at an offset, or
/// the n-th record of the batch being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordRef {
    Committed(i64),
    InBatch(usize),
}

impl RecordRef {
    pub fn resolve(self, batch_offsets: &[i64]) -> i64 {
        match self {
            RecordRef::Committed(offset) => offset,
            RecordRef::InBatch(index) => batch_offsets[index],
        }
    }

    fn committed(self, batch_offsets: &[i64]) -> Self {
        RecordRef::Committed(self.resolve(batch_offsets))
    }
}

#[derive(Debug, Clone)]
pub struct StreamState<A> {
    pub aggregate: A,
    pub version: u64,
    pub first_record: Option<RecordRef>,
    pub last_record: Option<RecordRef>,
    /// The tenant of the stream's first event; `None` until it has one.
    /// Commands of any other tenant are answered as if the stream did not exist.
    pub tenant: Option<String>,
    /// Commands sent with an `Idempotency-Key`, oldest first.
    pub commands: Vec<RecordedCommand>,
}

impl<A> StreamState<A> {
    /// Whether `tenant` may see this stream: it has no event yet, or it is the tenant's own.
    pub fn visible_to(&self, tenant: &str) -> bool {
        self.tenant.as_deref().is_none_or(|owner| owner == tenant)
    }

    /// The command sent with `key`, if it was recorded at or after `since`.
    pub fn command(&self, key: &str, since: Option<DateTime<Utc>>) -> Option<&RecordedCommand> {
        self.commands
            .iter()
            .find(|command| command.key == key)
            .filter(|command| since.is_none_or(|since| command.recorded_at >= since))
    }

    /// Records a keyed command, forgetting those recorded before `since`.
    pub fn record_command(&mut self, command: RecordedCommand, since: Option<DateTime<Utc>>) {
        if let Some(since) = since {
            self.commands.retain(|known| known.recorded_at >= since);
        }
        match self
            .commands
            .iter_mut()
            .find(|known| known.key == command.key)
        {
            // Replayed events of one command: the last one is the command's answer.
            Some(known) => {
                known.version = known.version.max(command.version);
                known.last_record = command.last_record;
            }
            None => self.commands.push(command),
        }
    }

    fn commit(&mut self, batch_offsets: &[i64]) {
        self.first_record = self.first_record.map(|r| r.committed(batch_offsets));
        self.last_record = self.last_record.map(|r| r.committed(batch_offsets));
        for command in &mut self.commands {
            command.last_record = command.last_record.committed(batch_offsets);
        }
    }
}

impl<A: Default> Default for StreamState<A> {
    fn default() -> Self {
        Self {
            aggregate: A::default(),
            version: 0,
            first_record: None,
            last_record: None,
            tenant: None,
            commands: Vec::new(),
        }
    }
}

/// A command that carried an `Idempotency-Key`, as its retries must see it.
#[derive(Debug, Clone)]
pub struct RecordedCommand {
    pub key: String,
    pub fingerprint: String,
    pub version: u64,
    pub last_record: RecordRef,
    pub created: bool,
    pub recorded_at: DateTime<Utc>,
}

/// A partition's streams: the recently used ones in memory, all of them in
/// the instance's state store. Only committed state enters either.
pub struct StreamTable<A> {
    partition: i32,
    store: Arc<StateStore>,
    cache: StreamCache<A>,
    /// Streams the store was asked for during this batch and does not hold.
    absent: HashSet<Uuid>,
    /// Written into every checkpoint; set by the restore.
    identity: String,
    /// The last events offset the stored state includes.
    covered: Option<i64>,
}

impl<A: Aggregate> StreamTable<A> {
    pub fn new(partition: i32, store: Arc<StateStore>, cache_streams: usize) -> Self {
        Self {
            partition,
            store,
            cache: StreamCache::new(cache_streams),
            absent: HashSet::new(),
            identity: String::new(),
            covered: None,
        }
    }

    pub fn partition(&self) -> i32 {
        self.partition
    }

    pub fn store(&self) -> &StateStore {
        &self.store
    }

    pub fn cached_count(&self) -> usize {
        self.cache.len()
    }

    /// Where the restore left the table: what its checkpoints say from now on.
    pub fn restored(&mut self, identity: String, covered: Option<i64>) {
        self.identity = identity;
        self.covered = covered;
    }

    pub fn checkpoint(&self, state_offset: i64) -> Checkpoint {
        Checkpoint {
            identity: self.identity.clone(),
            state_offset,
            covered: self.covered,
        }
    }

    /// A committed stream: from memory, else from the store. A batch's
    /// streams are [`Self::load`]ed first; this reads the store only for others.
    pub fn stream(&self, stream_id: Uuid) -> Option<StreamState<A>> {
        if let Some(stream) = self.cache.peek(stream_id) {
            return Some(stream.clone());
        }
        if self.absent.contains(&stream_id) {
            return None;
        }
        // Answering "no such stream" on a failed read would let a command
        // reuse versions; the writer dies instead and its successor restores.
        self.get(stream_id).unwrap_or_else(|error| {
            panic!("reading stream {stream_id} from the state store: {error}")
        })
    }

    /// A committed stream, from memory or the store, without caching it.
    pub fn get(&self, stream_id: Uuid) -> Result<Option<StreamState<A>>, StateStoreError> {
        if let Some(stream) = self.cache.peek(stream_id) {
            return Ok(Some(stream.clone()));
        }
        let stored = self.store.get_many(self.partition, &[stream_id])?;
        stored
            .into_iter()
            .next()
            .flatten()
            .map(|bytes| decode(stream_id, &bytes))
            .transpose()
    }

    /// Brings the streams a batch is about to decide into memory, and keeps
    /// them there until it is merged.
    pub fn load(
        &mut self,
        stream_ids: impl IntoIterator<Item = Uuid>,
    ) -> Result<(), StateStoreError> {
        let mut missing: Vec<Uuid> = Vec::new();
        for stream_id in stream_ids {
            if !self.cache.touch(stream_id)
                && !self.absent.contains(&stream_id)
                && !missing.contains(&stream_id)
            {
                missing.push(stream_id);
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let stored = self.store.get_many(self.partition, &missing)?;
        for (stream_id, bytes) in missing.into_iter().zip(stored) {
            match bytes {
                Some(bytes) => self.cache.pin(stream_id, decode(stream_id, &bytes)?),
                None => {
                    self.absent.insert(stream_id);
                }
            }
        }
        Ok(())
    }

    /// Keeps a committed stream in memory (the store already holds it).
    pub fn cache(&mut self, stream_id: Uuid, stream: StreamState<A>) {
        self.absent.remove(&stream_id);
        self.cache.insert(stream_id, stream);
    }

    pub fn uncache(&mut self, stream_id: Uuid) {
        self.cache.remove(stream_id);
    }

    /// Applies a committed batch, turning its in-batch references into
    /// offsets: to the store, with the checkpoint of the batch's last
    /// snapshot at `state_offset`, and to memory.
    pub fn merge(
        &mut self,
        overlay: Overlay<A>,
        batch_offsets: &[i64],
        state_offset: Option<i64>,
    ) -> Result<(), StateStoreError> {
        let mut write = StoreWrite::default();
        let mut committed = Vec::with_capacity(overlay.streams.len());
        for (stream_id, mut stream) in overlay.streams {
            stream.commit(batch_offsets);
            if let Some(RecordRef::Committed(last)) = stream.last_record {
                self.covered = self.covered.max(Some(last));
            }
            write
                .streams
                .push((stream_id, Some(to_stored(stream_id, &stream)?)));
            committed.push((stream_id, stream));
        }
        if let Some(state_offset) = state_offset {
            write.checkpoint = Some(self.checkpoint(state_offset));
        }
        if !write.is_empty() {
            self.store.write(self.partition, &write)?;
        }
        for (stream_id, stream) in committed {
            self.cache.pin(stream_id, stream);
        }
        self.absent.clear();
        self.cache.trim();
        Ok(())
    }

    /// Records that the snapshots of `stream_ids` a restore owed are now
    /// committed to the state topic, the last of them at `state_offset`.
    pub fn backfilled(
        &mut self,
        stream_ids: &[Uuid],
        state_offset: i64,
    ) -> Result<(), StateStoreError> {
        let write = StoreWrite {
            paid: stream_ids.to_vec(),
            checkpoint: Some(self.checkpoint(state_offset)),
            ..StoreWrite::default()
        };
        self.store.write(self.partition, &write)
    }
}

fn decode<A: Aggregate>(stream_id: Uuid, bytes: &[u8]) -> Result<StreamState<A>, StateStoreError> {
    from_stored(bytes)
        .map_err(|error| StateStoreError::Corrupt(format!("stream {stream_id}: {error}")))
}

/// The changes of one batch, read through to the table underneath.
pub struct Overlay<A> {
    streams: HashMap<Uuid, StreamState<A>>,
}

impl<A: Aggregate> Default for Overlay<A> {
    fn default() -> Self {
        Self {
            streams: HashMap::new(),
        }
    }
}

impl<A: Aggregate> Overlay<A> {
    pub fn stream(&self, table: &StreamTable<A>, stream_id: Uuid) -> StreamState<A> {
        self.streams
            .get(&stream_id)
            .cloned()
            .or_else(|| table.stream(stream_id))
            .unwrap_or_default()
    }

    pub fn put_stream(&mut self, stream_id: Uuid, stream: StreamState<A>) {
        self.streams.insert(stream_id, stream);
    }

    /// The streams the batch changed, as they will be once it is committed.
    pub fn streams(&self) -> impl Iterator<Item = (&Uuid, &StreamState<A>)> {
        self.streams.iter()
    }
}
