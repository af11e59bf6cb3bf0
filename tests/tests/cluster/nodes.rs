//! The cluster under test: its brokers, the leaders and in-sync replicas of a
//! topic's partitions, and `scripts/cluster.sh` to kill and restart nodes.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};

pub struct Cluster {
    pub brokers: String,
    script: String,
    metadata: BaseConsumer,
}

/// One partition as the cluster metadata shows it.
#[derive(Debug, Clone)]
pub struct PartitionState {
    pub leader: i32,
    pub isr: Vec<i32>,
}

impl Cluster {
    /// The cluster `eval "$(scripts/cluster.sh env)"` describes.
    pub fn from_env() -> Self {
        let brokers = std::env::var("CLUSTER_BROKERS")
            .expect("CLUSTER_BROKERS is set (eval \"$(scripts/cluster.sh env)\")");
        let script = std::env::var("CLUSTER_SCRIPT")
            .unwrap_or_else(|_| format!("{}/../scripts/cluster.sh", env!("CARGO_MANIFEST_DIR")));
        let metadata = platform::kafka::client_config(&brokers)
            .create()
            .expect("metadata client");
        Self {
            brokers,
            script,
            metadata,
        }
    }

    fn run(&self, arguments: &[&str]) -> String {
        let output = Command::new(&self.script)
            .args(arguments)
            .output()
            .expect("running scripts/cluster.sh");
        assert!(
            output.status.success(),
            "scripts/cluster.sh {arguments:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// SIGKILL of node `node` (its broker and its controller).
    pub fn kill_node(&self, node: i32) {
        self.run(&["kill-node", &node.to_string()]);
    }

    /// Starts node `node` again and waits until it answers metadata requests.
    pub fn start_node(&self, node: i32) {
        self.run(&["start-node", &node.to_string()]);
    }

    /// The node id of the active KRaft controller (the quorum's leader).
    pub fn active_controller(&self) -> i32 {
        self.run(&["active-controller"])
            .parse()
            .expect("active-controller prints a node id")
    }

    /// Leader and in-sync replicas of every partition of `topic`.
    pub fn partitions(&self, topic: &str) -> BTreeMap<i32, PartitionState> {
        let metadata = self
            .metadata
            .fetch_metadata(Some(topic), Duration::from_secs(10))
            .expect("topic metadata");
        metadata.topics()[0]
            .partitions()
            .iter()
            .map(|partition| {
                (
                    partition.id(),
                    PartitionState {
                        leader: partition.leader(),
                        isr: partition.isr().to_vec(),
                    },
                )
            })
            .collect()
    }

    /// The broker that leads the most partitions of `topic`, and those partitions.
    pub fn busiest_leader(&self, topic: &str) -> (i32, Vec<i32>) {
        let mut led: BTreeMap<i32, Vec<i32>> = BTreeMap::new();
        for (partition, state) in self.partitions(topic) {
            led.entry(state.leader).or_default().push(partition);
        }
        led.into_iter()
            .max_by_key(|(_, partitions)| partitions.len())
            .expect("the topic has partitions")
    }

    /// Waits until every partition of each topic has all 3 replicas in sync
    /// again (a restarted node has caught up), so that the next fault leaves
    /// two in-sync replicas; returns how long that took.
    pub fn wait_fully_replicated(&self, topics: &[&str], timeout: Duration) -> Duration {
        let started = Instant::now();
        loop {
            let lagging: Vec<String> = topics
                .iter()
                .flat_map(|topic| {
                    self.partitions(topic)
                        .into_iter()
                        .filter(|(_, state)| state.isr.len() < 3 || state.leader < 0)
                        .map(move |(partition, state)| format!("{topic}/{partition} {state:?}"))
                })
                .collect();
            if lagging.is_empty() {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < timeout,
                "partitions still under-replicated after {timeout:?}: {lagging:?}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}
