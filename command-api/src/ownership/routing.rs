//! Where the partitions this instance does not own live: read from the
//! group's description (each member's client id names its URL) and cached
//! briefly, because it only changes on rebalance.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rdkafka::consumer::BaseConsumer;

use super::group_view::GroupView;

const FRESH_FOR: Duration = Duration::from_secs(2);

pub struct RoutingTable {
    group_id: String,
    topic: String,
    admin: Arc<BaseConsumer>,
    cache: Mutex<Option<(Instant, HashMap<i32, String>)>>,
}

impl RoutingTable {
    pub fn new(brokers: &str, group_id: &str, topic: &str) -> rdkafka::error::KafkaResult<Self> {
        Ok(Self {
            group_id: group_id.to_owned(),
            topic: topic.to_owned(),
            admin: Arc::new(platform::kafka::client_config(brokers).create()?),
            cache: Mutex::new(None),
        })
    }

    /// The URL of the instance that owns `partition`, if the group says.
    pub async fn owner(&self, partition: i32) -> Option<String> {
        self.owners().await.get(&partition).cloned()
    }

    /// The topic whose partitions it knows.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// Every partition's owner the group names, keyed by partition.
    pub async fn owners(&self) -> HashMap<i32, String> {
        let cached = self.cache.lock().expect("routing cache lock").clone();
        match cached {
            Some((read_at, owners)) if read_at.elapsed() < FRESH_FOR => owners,
            _ => self.refresh().await,
        }
    }

    /// Forgets the cached owners, e.g. after an owner answered it no longer owns.
    pub fn invalidate(&self) {
        *self.cache.lock().expect("routing cache lock") = None;
    }

    async fn refresh(&self) -> HashMap<i32, String> {
        let admin = self.admin.clone();
        let group_id = self.group_id.clone();
        let topic = self.topic.clone();
        let owners = tokio::task::spawn_blocking(move || {
            GroupView::fetch(&admin, &group_id)
                .map(|view| view.owners(&topic))
                .unwrap_or_default()
        })
        .await
        .unwrap_or_default();
        *self.cache.lock().expect("routing cache lock") = Some((Instant::now(), owners.clone()));
        owners
    }
}
