//! Running the projector's operator commands (`status`, `rebuild`,
//! `parked ...`) as an operator would: the `test-projector` binary
//! (`env!("CARGO_BIN_EXE_test-projector")` in an integration test) with
//! the same environment as the serving projector.

use std::process::Command;
use std::time::Duration;

use super::database::TestDatabase;
use super::services::group_prefix;
use crate::TestEnv;

#[derive(Debug)]
pub struct CliOutput {
    /// The exit status (-1 when killed by a signal).
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl CliOutput {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {self:?}"))
    }
}

/// `projector <args>` against the test's Kafka and database, killed when dropped.
pub fn projector_command(
    env: &TestEnv,
    database: &TestDatabase,
    executable: &str,
    args: &[&str],
) -> tokio::process::Command {
    let mut command = tokio::process::Command::from(Command::new(executable));
    command
        .args(args)
        .env("DATABASE_URL", &database.url)
        .env("KAFKA_BROKERS", &env.brokers)
        .env("EVENTS_TOPIC_PREFIX", &env.topic_prefix)
        .env("EVENTS_TOPIC_PARTITIONS", env.partitions.to_string())
        .env("PROJECTOR_GROUP_PREFIX", group_prefix(env))
        .env("RUST_LOG", "error")
        .kill_on_drop(true);
    command
}

/// Runs `projector <args>` to its end, at most `timeout`.
pub async fn projector_cli(
    env: &TestEnv,
    database: &TestDatabase,
    executable: &str,
    args: &[&str],
    timeout: Duration,
) -> CliOutput {
    let mut command = projector_command(env, database, executable, args);
    let output = tokio::time::timeout(timeout, command.output())
        .await
        .unwrap_or_else(|_| panic!("projector {args:?} did not finish within {timeout:?}"))
        .expect("running the test-projector binary");
    CliOutput {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
