//! Which partitions this instance keeps warm standby copies of
//! (`COMMAND_STANDBY_REPLICAS`). Every few seconds it reads the group's
//! description and hands each mounted aggregate the partitions it should
//! follow: those whose owner comes just before this instance, among the next
//! `replicas` members in the order of their URLs. The plan only ever
//! narrows the work of a takeover; a partition this instance owns is never
//! followed, and a wrong plan costs a slower failover, not correctness.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use rdkafka::consumer::BaseConsumer;
use rdkafka::error::KafkaResult;

use super::PartitionOwner;
use super::group_view::GroupView;

/// How often the plan follows the group's changes.
const ROUND: Duration = Duration::from_secs(2);

pub struct StandbyPlanner {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StandbyPlanner {
    /// Starts planning for `owners`; `None` when `replicas` is 0.
    pub fn start(
        brokers: &str,
        group_id: &str,
        own_url: &str,
        replicas: usize,
        owners: Vec<Arc<dyn PartitionOwner>>,
    ) -> KafkaResult<Option<Self>> {
        if replicas == 0 {
            return Ok(None);
        }
        let admin: BaseConsumer = platform::kafka::client_config(brokers).create()?;
        let (group_id, own_url) = (group_id.to_owned(), own_url.to_owned());
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("standby-planner".into())
                .spawn(move || {
                    while !stop.load(Ordering::Acquire) {
                        if let Some(view) = GroupView::fetch(&admin, &group_id) {
                            let urls = view.urls();
                            for owner in &owners {
                                let owners_of = view.owners(owner.topic());
                                owner.stand_by(&plan(&own_url, &urls, &owners_of, replicas));
                            }
                        }
                        sleep_unless_stopped(&stop, ROUND);
                    }
                    for owner in &owners {
                        owner.stand_by(&[]);
                    }
                })
                .expect("spawning the standby planner thread")
        };
        Ok(Some(Self {
            stop,
            thread: Some(thread),
        }))
    }

    /// Stops planning and every standby copy it started.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn sleep_unless_stopped(stop: &AtomicBool, duration: Duration) {
    let step = Duration::from_millis(100);
    let mut slept = Duration::ZERO;
    while slept < duration && !stop.load(Ordering::Acquire) {
        std::thread::sleep(step);
        slept += step;
    }
}

/// The partitions `own_url` follows: each partition whose owner is one of
/// the `replicas` members before it in `urls` (sorted, a ring).
pub fn plan(
    own_url: &str,
    urls: &[String],
    owners: &HashMap<i32, String>,
    replicas: usize,
) -> Vec<i32> {
    let Some(own) = urls.iter().position(|url| url == own_url) else {
        return Vec::new();
    };
    let members = urls.len();
    let mut partitions: Vec<i32> = owners
        .iter()
        .filter(|(_, owner)| {
            urls.iter().position(|url| url == *owner).is_some_and(|at| {
                let ahead = (own + members - at) % members;
                (1..=replicas).contains(&ahead)
            })
        })
        .map(|(&partition, _)| partition)
        .collect();
    partitions.sort_unstable();
    partitions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    fn owners(pairs: &[(i32, &str)]) -> HashMap<i32, String> {
        pairs.iter().map(|(p, u)| (*p, u.to_string())).collect()
    }

    #[test]
    fn each_member_follows_the_partitions_of_the_member_before_it() {
        let members = urls(&["a", "b", "c"]);
        let owned = owners(&[(0, "a"), (1, "a"), (2, "b"), (3, "c")]);
        assert_eq!(plan("b", &members, &owned, 1), vec![0, 1]);
        assert_eq!(plan("c", &members, &owned, 1), vec![2]);
        assert_eq!(plan("a", &members, &owned, 1), vec![3]);
    }

    #[test]
    fn more_replicas_follow_more_owners_but_never_their_own_partitions() {
        let members = urls(&["a", "b", "c"]);
        let owned = owners(&[(0, "a"), (1, "b"), (2, "c")]);
        assert_eq!(plan("a", &members, &owned, 2), vec![1, 2]);
        // More replicas than other members: every other member's partitions.
        assert_eq!(plan("a", &members, &owned, 5), vec![1, 2]);
    }

    #[test]
    fn a_lone_member_or_a_stranger_follows_nothing() {
        let owned = owners(&[(0, "a"), (1, "a")]);
        assert!(plan("a", &urls(&["a"]), &owned, 1).is_empty());
        assert!(plan("z", &urls(&["a", "b"]), &owned, 1).is_empty());
    }
}
