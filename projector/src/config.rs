//! The projector's configuration, read from the environment and validated at start.

use std::net::SocketAddr;
use std::time::Duration;

use platform::auth::AuthSettings;
use platform::config::{
    ConfigError, HttpSettings, KafkaSettings, RouteClass, database_url, env_or, env_parse,
};

#[derive(Debug, Clone)]
pub struct Config {
    /// `PROJECTOR_ADDR`, default `127.0.0.1:8083`; port 0 picks a free port.
    pub addr: SocketAddr,
    /// `DATABASE_URL`.
    pub database_url: String,
    pub kafka: KafkaSettings,
    /// `PROJECTOR_GROUP_PREFIX`, default `projector.`: a projection's consumer
    /// group is this prefix + its id, e.g. `projector.tasks.v1`.
    pub group_prefix: String,
    /// `PROJECTOR_PROJECTIONS`, default empty (every registered projection):
    /// the projections (by name, comma-separated) this process consumes, so
    /// a projection can run in processes of its own. Versions of the others
    /// are left to other processes. Each must be registered (checked at start).
    pub projections: Option<Vec<String>>,
    /// `PROCESS_MANAGER_*`: how process managers send their commands.
    pub process_managers: crate::process::ProcessManagerSettings,
    pub batch: BatchSettings,
    /// `KAFKA_SESSION_TIMEOUT_MS`, default 6000: how fast a dead worker's
    /// partitions move to the others.
    pub session_timeout: Duration,
    /// `PROJECTOR_DB_MAX_CONNECTIONS`, default 4, per projection worker.
    pub db_max_connections: u32,
    /// `EVENTS_TOPIC_REPLICATION`, default 1: replication factor when the projector creates the topic.
    pub replication: i32,
    /// `PROJECTOR_SWITCH_MAX_LAG`, default 1000: a rebuilt version is switched
    /// to once its lag (records, all partitions together) is at most this.
    /// The switch then waits for it to reach the live version exactly.
    pub switch_max_lag: i64,
    /// `AUTH_*`: how callers of the HTTP endpoints are authenticated (see `platform::auth`).
    pub auth: AuthSettings,
    /// Body and head timeouts and CORS of the operational endpoints (never
    /// rate limited).
    pub http: HttpSettings,
}

/// How a worker cuts the stream into transactions.
#[derive(Debug, Clone, Copy)]
pub struct BatchSettings {
    /// `PROJECTOR_BATCH_MAX`, default 2000: records applied in one transaction at most.
    pub max_records: usize,
    /// `PROJECTOR_BATCH_MAX_WAIT_MS`, default 20: how long a batch waits to
    /// fill after its first record, which bounds the freshness cost of batching.
    pub max_wait: Duration,
}

impl Default for BatchSettings {
    fn default() -> Self {
        Self {
            max_records: 2000,
            max_wait: Duration::from_millis(20),
        }
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let config = Self {
            addr: env_parse("PROJECTOR_ADDR", "127.0.0.1:8083")?,
            database_url: database_url(),
            kafka: KafkaSettings::from_env()?,
            group_prefix: env_or("PROJECTOR_GROUP_PREFIX", "projector."),
            projections: projections_from_env(),
            process_managers: crate::process::ProcessManagerSettings::from_env()?,
            batch: BatchSettings {
                max_records: env_parse("PROJECTOR_BATCH_MAX", "2000")?,
                max_wait: Duration::from_millis(env_parse("PROJECTOR_BATCH_MAX_WAIT_MS", "20")?),
            },
            session_timeout: Duration::from_millis(env_parse("KAFKA_SESSION_TIMEOUT_MS", "6000")?),
            db_max_connections: env_parse("PROJECTOR_DB_MAX_CONNECTIONS", "4")?,
            replication: env_parse("EVENTS_TOPIC_REPLICATION", "1")?,
            switch_max_lag: env_parse("PROJECTOR_SWITCH_MAX_LAG", "1000")?,
            auth: AuthSettings::from_env()?,
            http: HttpSettings::from_env(RouteClass::Operations)?,
        };
        if config.batch.max_records == 0 {
            return Err(ConfigError {
                variable: "PROJECTOR_BATCH_MAX".into(),
                value: "0".into(),
                reason: "must be at least 1".into(),
            });
        }
        if config.switch_max_lag < 0 {
            return Err(ConfigError {
                variable: "PROJECTOR_SWITCH_MAX_LAG".into(),
                value: config.switch_max_lag.to_string(),
                reason: "must not be negative".into(),
            });
        }
        Ok(config)
    }
}

/// `PROJECTOR_PROJECTIONS`: names, or `None` for all.
fn projections_from_env() -> Option<Vec<String>> {
    let text = env_or("PROJECTOR_PROJECTIONS", "");
    let mut names: Vec<String> = Vec::new();
    for name in text
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        if !names.iter().any(|known| known == name) {
            names.push(name.to_owned());
        }
    }
    (!names.is_empty()).then_some(names)
}

impl Config {
    /// Whether this process consumes projection `name`.
    pub fn runs(&self, name: &str) -> bool {
        self.projections
            .as_ref()
            .is_none_or(|names| names.iter().any(|known| known == name))
    }
}
