//! What a partition's writer knows: the state and version of every stream in
//! the partition, and the commands that arrived with an idempotency key.
//! A batch decides against an overlay and only merges it after its commit.

use std::collections::HashMap;

use events::Aggregate;
use uuid::Uuid;

/// Where a stream's or command's last event is: committed at an offset, or
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
}

#[derive(Debug, Clone)]
pub struct StreamState<A> {
    pub aggregate: A,
    pub version: u64,
    pub last_record: Option<RecordRef>,
    /// The tenant of the stream's first event; `None` until it has one.
    /// Commands of any other tenant are answered as if the stream did not exist.
    pub tenant: Option<String>,
}

impl<A> StreamState<A> {
    /// Whether `tenant` may see this stream: it has no event yet, or it is the tenant's own.
    pub fn visible_to(&self, tenant: &str) -> bool {
        self.tenant.as_deref().is_none_or(|owner| owner == tenant)
    }
}

impl<A: Default> Default for StreamState<A> {
    fn default() -> Self {
        Self {
            aggregate: A::default(),
            version: 0,
            last_record: None,
            tenant: None,
        }
    }
}

/// A command that carried an `Idempotency-Key`, as its retries must see it.
#[derive(Debug, Clone)]
pub struct RecordedCommand {
    pub fingerprint: String,
    pub version: u64,
    pub last_record: RecordRef,
    pub created: bool,
}

pub type IdempotencyKey = (Uuid, String);

pub struct StreamTable<A> {
    streams: HashMap<Uuid, StreamState<A>>,
    commands: HashMap<IdempotencyKey, RecordedCommand>,
}

impl<A: Aggregate> Default for StreamTable<A> {
    fn default() -> Self {
        Self {
            streams: HashMap::new(),
            commands: HashMap::new(),
        }
    }
}

impl<A: Aggregate> StreamTable<A> {
    pub fn stream_count(&self) -> usize {
        self.streams.len()
    }

    pub fn stream_mut(&mut self, stream_id: Uuid) -> &mut StreamState<A> {
        self.streams.entry(stream_id).or_default()
    }

    pub fn record_command(&mut self, key: IdempotencyKey, command: RecordedCommand) {
        self.commands
            .entry(key)
            .and_modify(|known| {
                known.version = known.version.max(command.version);
                known.last_record = command.last_record;
            })
            .or_insert(command);
    }

    /// Applies a committed batch, turning its in-batch references into offsets.
    pub fn merge(&mut self, overlay: Overlay<A>, batch_offsets: &[i64]) {
        let committed = |record: RecordRef| RecordRef::Committed(record.resolve(batch_offsets));
        for (stream_id, mut stream) in overlay.streams {
            stream.last_record = stream.last_record.map(committed);
            self.streams.insert(stream_id, stream);
        }
        for (key, mut command) in overlay.commands {
            command.last_record = committed(command.last_record);
            self.commands.insert(key, command);
        }
    }
}

/// The changes of one batch, read through to the table underneath.
pub struct Overlay<A> {
    streams: HashMap<Uuid, StreamState<A>>,
    commands: HashMap<IdempotencyKey, RecordedCommand>,
}

impl<A: Aggregate> Default for Overlay<A> {
    fn default() -> Self {
        Self {
            streams: HashMap::new(),
            commands: HashMap::new(),
        }
    }
}

impl<A: Aggregate> Overlay<A> {
    pub fn stream(&self, table: &StreamTable<A>, stream_id: Uuid) -> StreamState<A> {
        self.streams
            .get(&stream_id)
            .or_else(|| table.streams.get(&stream_id))
            .cloned()
            .unwrap_or_default()
    }

    pub fn command<'a>(
        &'a self,
        table: &'a StreamTable<A>,
        key: &IdempotencyKey,
    ) -> Option<&'a RecordedCommand> {
        self.commands.get(key).or_else(|| table.commands.get(key))
    }

    pub fn put_stream(&mut self, stream_id: Uuid, stream: StreamState<A>) {
        self.streams.insert(stream_id, stream);
    }

    pub fn put_command(&mut self, key: IdempotencyKey, command: RecordedCommand) {
        self.commands.insert(key, command);
    }
}
