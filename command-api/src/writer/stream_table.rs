//! What a partition's writer knows: the state and version of every stream in
//! the partition, with the commands that arrived with an idempotency key.
//! A batch decides against an overlay and only merges it after its commit.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use events::Aggregate;
use uuid::Uuid;

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

pub struct StreamTable<A> {
    streams: HashMap<Uuid, StreamState<A>>,
}

impl<A: Aggregate> Default for StreamTable<A> {
    fn default() -> Self {
        Self {
            streams: HashMap::new(),
        }
    }
}

impl<A: Aggregate> StreamTable<A> {
    pub fn stream_count(&self) -> usize {
        self.streams.len()
    }

    pub fn stream(&self, stream_id: Uuid) -> Option<&StreamState<A>> {
        self.streams.get(&stream_id)
    }

    pub fn stream_mut(&mut self, stream_id: Uuid) -> &mut StreamState<A> {
        self.streams.entry(stream_id).or_default()
    }

    pub fn insert(&mut self, stream_id: Uuid, stream: StreamState<A>) {
        self.streams.insert(stream_id, stream);
    }

    pub fn remove(&mut self, stream_id: Uuid) {
        self.streams.remove(&stream_id);
    }

    /// Applies a committed batch, turning its in-batch references into offsets.
    pub fn merge(&mut self, overlay: Overlay<A>, batch_offsets: &[i64]) {
        for (stream_id, mut stream) in overlay.streams {
            stream.commit(batch_offsets);
            self.streams.insert(stream_id, stream);
        }
    }
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
            .or_else(|| table.stream(stream_id))
            .cloned()
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
