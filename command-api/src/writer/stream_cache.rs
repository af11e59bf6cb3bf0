//! The streams a partition's writer keeps in memory: the most recently used
//! ones, at most `COMMAND_STATE_CACHE_STREAMS` between batches. A batch's
//! own streams stay in while it is decided, even past the capacity, so that
//! deciding never goes back to the store for a stream it already loaded.

use hashlink::LruCache;
use uuid::Uuid;

use super::stream_table::StreamState;

pub struct StreamCache<A> {
    streams: LruCache<Uuid, StreamState<A>>,
    capacity: usize,
}

impl<A> StreamCache<A> {
    /// `capacity` > 0 (checked by the configuration).
    pub fn new(capacity: usize) -> Self {
        Self {
            streams: LruCache::new_unbounded(),
            capacity: capacity.max(1),
        }
    }

    pub fn len(&self) -> usize {
        self.streams.len()
    }

    #[cfg(test)]
    pub fn contains(&self, stream_id: Uuid) -> bool {
        self.streams.contains_key(&stream_id)
    }

    /// Without making it the most recently used.
    pub fn peek(&self, stream_id: Uuid) -> Option<&StreamState<A>> {
        self.streams.peek(&stream_id)
    }

    /// Makes it the most recently used; whether it was there.
    pub fn touch(&mut self, stream_id: Uuid) -> bool {
        self.streams.get(&stream_id).is_some()
    }

    /// Adds or replaces a stream as the most recently used, evicting the
    /// least recently used ones past the capacity.
    pub fn insert(&mut self, stream_id: Uuid, stream: StreamState<A>) {
        self.pin(stream_id, stream);
        self.trim();
    }

    /// Adds or replaces a stream, evicting nothing until the next [`Self::trim`].
    pub fn pin(&mut self, stream_id: Uuid, stream: StreamState<A>) {
        self.streams.insert(stream_id, stream);
    }

    pub fn remove(&mut self, stream_id: Uuid) {
        self.streams.remove(&stream_id);
    }

    /// Evicts the least recently used streams down to the capacity.
    pub fn trim(&mut self) {
        while self.streams.len() > self.capacity {
            self.streams.remove_lru();
        }
    }
}

#[cfg(test)]
mod tests {
    use events::Task;

    use super::*;

    fn stream(version: u64) -> StreamState<Task> {
        StreamState {
            version,
            ..StreamState::default()
        }
    }

    #[test]
    fn the_least_recently_used_stream_goes_first() {
        let mut cache = StreamCache::new(2);
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        cache.insert(a, stream(1));
        cache.insert(b, stream(2));
        assert!(cache.touch(a));
        cache.insert(c, stream(3));
        assert_eq!(cache.len(), 2);
        assert!(cache.contains(a) && cache.contains(c) && !cache.contains(b));
    }

    #[test]
    fn a_batch_keeps_its_streams_until_trimmed() {
        let mut cache = StreamCache::new(1);
        let ids: Vec<Uuid> = (0..5).map(|_| Uuid::now_v7()).collect();
        for (version, id) in ids.iter().enumerate() {
            cache.pin(*id, stream(version as u64));
        }
        assert_eq!(cache.len(), 5);
        assert_eq!(cache.peek(ids[0]).map(|s| s.version), Some(0));
        cache.trim();
        assert_eq!(cache.len(), 1);
        assert!(cache.contains(ids[4]));
    }
}
