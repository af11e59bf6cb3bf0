//! The command API group as its description shows it: each member's URL
//! (from its client id) and the partitions it was assigned.

use std::collections::HashMap;
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};

use super::{assignment, url_from_client_id};

pub struct GroupView {
    members: Vec<(String, Vec<u8>)>,
}

impl GroupView {
    /// `None` when the group cannot be described right now.
    pub fn fetch<C: ConsumerContext>(admin: &BaseConsumer<C>, group_id: &str) -> Option<Self> {
        let groups = admin
            .fetch_group_list(Some(group_id), Duration::from_secs(2))
            .ok()?;
        let members = groups
            .groups()
            .iter()
            .flat_map(|group| group.members())
            .filter_map(|member| {
                let url = url_from_client_id(member.client_id())?;
                Some((url.to_owned(), member.assignment()?.to_vec()))
            })
            .collect();
        Some(Self { members })
    }

    /// Every partition of `topic` with the URL of its owner.
    pub fn owners(&self, topic: &str) -> HashMap<i32, String> {
        let mut owners = HashMap::new();
        for (url, assignment) in &self.members {
            for partition in assignment::partitions_of(assignment, topic) {
                owners.insert(partition, url.clone());
            }
        }
        owners
    }

    /// The members' URLs, sorted, each once.
    pub fn urls(&self) -> Vec<String> {
        let mut urls: Vec<String> = self.members.iter().map(|(url, _)| url.clone()).collect();
        urls.sort_unstable();
        urls.dedup();
        urls
    }
}
