//! Harness for the end-to-end suite: every test gets its own topic and
//! consumer groups on the real local Kafka (started by `scripts/test.sh`), so
//! tests run in parallel without seeing each other.

pub mod auth;
pub mod command_api;
pub mod contract;
pub mod kafka;
pub mod read_side;
pub mod schema_registry;

use uuid::Uuid;

/// Names that isolate one test from the others on the shared broker.
#[derive(Debug, Clone)]
pub struct TestEnv {
    pub brokers: String,
    pub database_url: String,
    /// Prefix of every topic the test's services use, e.g. `t-1a2b3c4d.`.
    pub topic_prefix: String,
    pub partitions: i32,
    /// Removes the test's state directories when the last clone is dropped.
    state_dirs: std::sync::Arc<StateDirs>,
}

#[derive(Debug)]
struct StateDirs(std::path::PathBuf);

impl Drop for StateDirs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl TestEnv {
    pub fn new() -> Self {
        Self::with_partitions(6)
    }

    pub fn with_partitions(partitions: i32) -> Self {
        let id = Uuid::new_v4().simple().to_string();
        let topic_prefix = format!("t-{}.", &id[..12]);
        let state_dirs = std::env::temp_dir()
            .join("command-api-state")
            .join(topic_prefix.trim_end_matches('.'));
        Self {
            brokers: platform::env_or("KAFKA_BROKERS", "127.0.0.1:9092"),
            database_url: platform::config::database_url(),
            topic_prefix,
            partitions,
            state_dirs: std::sync::Arc::new(StateDirs(state_dirs)),
        }
    }

    pub fn tasks_topic(&self) -> String {
        format!("{}tasks", self.topic_prefix)
    }

    pub fn command_api_group(&self) -> String {
        format!("{}command-api", self.topic_prefix)
    }

    /// A fresh `COMMAND_STATE_DIR` for one command API instance of this
    /// test (instances must not share one); removed with the `TestEnv`.
    pub fn state_dir(&self) -> std::path::PathBuf {
        self.state_dirs.0.join(Uuid::new_v4().simple().to_string())
    }
}

impl Default for TestEnv {
    fn default() -> Self {
        Self::new()
    }
}
