//! The release `command-api` binary as a child process: started with its own
//! environment, timed until `/readyz` answers 200, its memory read from
//! `/proc/<pid>/status`, and stopped with SIGTERM as an orchestrator would.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::process::{Child, Command};

/// What the child is started with, besides the inherited environment.
pub struct Settings<'a> {
    pub binary: &'a Path,
    pub brokers: &'a str,
    pub topic_prefix: &'a str,
    pub partitions: i32,
    pub group: &'a str,
    pub log: PathBuf,
    /// `COMMAND_STATE_DIR`: the instance's local store.
    pub state_dir: PathBuf,
}

pub struct CommandApiProcess {
    child: Child,
    pid: u32,
    pub url: String,
    spawned: Instant,
    log: PathBuf,
}

/// Resident memory of a process, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    /// `VmRSS`: resident now.
    pub resident: u64,
    /// `VmHWM`: the most it has been resident.
    pub peak: u64,
}

/// Environment a developer's shell may carry that would change what is measured.
const CLEARED: [&str; 6] = [
    // Values stay plain JSON, as pre-filled.
    "SCHEMA_REGISTRY_URL",
    "AUTH_HS256_SECRET_FILE",
    "AUTH_JWKS_FILE",
    "AUTH_JWKS_URL",
    "COMMAND_API_ADVERTISED_URL",
    "RUST_LOG",
];

impl CommandApiProcess {
    pub fn spawn(settings: &Settings<'_>) -> anyhow::Result<Self> {
        let port = free_port()?;
        let log = std::fs::File::create(&settings.log)
            .with_context(|| format!("creating {}", settings.log.display()))?;
        let mut command = Command::new(settings.binary);
        for variable in CLEARED {
            command.env_remove(variable);
        }
        command
            .env("KAFKA_BROKERS", settings.brokers)
            .env("EVENTS_TOPIC_PREFIX", settings.topic_prefix)
            .env("EVENTS_TOPIC_PARTITIONS", settings.partitions.to_string())
            .env("COMMAND_API_GROUP", settings.group)
            .env("COMMAND_STATE_DIR", &settings.state_dir)
            .env("COMMAND_API_ADDR", format!("127.0.0.1:{port}"))
            // Authentication on, as deployed (and as the other benchmarks run it).
            .env("AUTH_MODE", "jwt")
            .env("AUTH_HS256_SECRET", crate::auth::SECRET)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            // An error in the benchmark must not leave an instance running.
            .kill_on_drop(true);
        let spawned = Instant::now();
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", settings.binary.display()))?;
        let pid = child.id().context("the child has no pid")?;
        Ok(Self {
            child,
            pid,
            url: format!("http://127.0.0.1:{port}"),
            spawned,
            log: settings.log.clone(),
        })
    }

    /// Time from the spawn until `GET /readyz` first answered 200.
    pub async fn wait_ready(&mut self, http: &reqwest::Client) -> anyhow::Result<Duration> {
        let readyz = format!("{}/readyz", self.url);
        let deadline = self.spawned + Duration::from_secs(1800);
        loop {
            if let Some(status) = self.child.try_wait()? {
                anyhow::bail!(
                    "the command API exited with {status} before it was ready; see {}",
                    self.log.display()
                );
            }
            let answer = http
                .get(&readyz)
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            if answer.is_ok_and(|answer| answer.status() == reqwest::StatusCode::OK) {
                return Ok(self.spawned.elapsed());
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "the command API was not ready in 30 minutes; see {}",
                self.log.display()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn memory(&self) -> anyhow::Result<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))?;
        let field = |name: &str| -> anyhow::Result<u64> {
            let line = status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .with_context(|| format!("no {name} in /proc/{}/status", self.pid))?;
            let kilobytes: u64 = line.trim().trim_end_matches("kB").trim().parse()?;
            Ok(kilobytes * 1024)
        };
        Ok(Memory {
            resident: field("VmRSS:")?,
            peak: field("VmHWM:")?,
        })
    }

    /// SIGTERM, then waits for the graceful shutdown (SIGKILL after a minute).
    pub async fn terminate(mut self) -> anyhow::Result<()> {
        // `kill(1)`: the workspace forbids the unsafe code libc::kill needs.
        let sent = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()
            .await?;
        anyhow::ensure!(sent.success(), "kill -TERM {} failed", self.pid);
        match tokio::time::timeout(Duration::from_secs(60), self.child.wait()).await {
            Ok(status) => {
                let status = status?;
                anyhow::ensure!(
                    status.success(),
                    "the command API exited with {status} after SIGTERM; see {}",
                    self.log.display()
                );
            }
            Err(_) => {
                self.child.kill().await?;
                anyhow::bail!(
                    "the command API did not stop within a minute of SIGTERM; see {}",
                    self.log.display()
                );
            }
        }
        Ok(())
    }
}

/// A port nothing listens on now (the child binds it a moment later).
fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}
