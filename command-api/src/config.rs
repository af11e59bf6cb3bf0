//! The command API's configuration, read from the environment and validated at start.

use std::net::SocketAddr;
use std::time::Duration;

use platform::auth::AuthSettings;
use platform::config::{ConfigError, HttpSettings, KafkaSettings, RouteClass, env_or, env_parse};

#[derive(Debug, Clone)]
pub struct Config {
    /// `COMMAND_API_ADDR`, default `127.0.0.1:8081`; port 0 picks a free port.
    pub addr: SocketAddr,
    /// `COMMAND_API_ADVERTISED_URL`: how other instances reach this one to
    /// forward commands; default `http://<bound address>`.
    pub advertised_url: Option<String>,
    pub kafka: KafkaSettings,
    /// `COMMAND_API_GROUP`, default `command-api`: the consumer group that
    /// shares partition ownership, and the prefix of the transactional ids.
    pub group_id: String,
    /// `KAFKA_SESSION_TIMEOUT_MS`, default 6000: how fast a dead instance's
    /// partitions move to the survivors.
    pub session_timeout: Duration,
    /// `KAFKA_TRANSACTION_TIMEOUT_MS`, default 10000: how long a dead writer's
    /// open transaction can block read_committed readers.
    pub transaction_timeout: Duration,
    /// `COMMAND_BATCH_MAX`, default 512: commands decided in one transaction.
    pub batch_max: usize,
    /// `COMMAND_TIMEOUT_MS`, default 15000: longest a request waits for its
    /// partition's owner (restore, rebalance) before answering 503.
    pub command_timeout: Duration,
    /// `COMMAND_MAX_BODY_BYTES`, default 65536: larger bodies get 413.
    pub max_body_bytes: usize,
    /// `EVENTS_TOPIC_REPLICATION`, default 1: replication factor when the platform creates the topic.
    pub replication: i32,
    /// `SCHEMA_REGISTRY_URL`, default unset: when set, the event schemas are
    /// registered there at start and record values are framed with their ids
    /// (Confluent JSON Schema wire format); unset, values are plain JSON.
    pub schema_registry_url: Option<String>,
    /// `AUTH_*`: how callers are authenticated (see `platform::auth`).
    pub auth: AuthSettings,
    /// Body and head timeouts, CORS and the commands rate limit
    /// (`RATE_LIMIT_COMMANDS_PER_SECOND`, `RATE_LIMIT_COMMANDS_BURST`).
    pub http: HttpSettings,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let advertised = env_or("COMMAND_API_ADVERTISED_URL", "");
        Ok(Self {
            addr: env_parse("COMMAND_API_ADDR", "127.0.0.1:8081")?,
            advertised_url: (!advertised.is_empty()).then_some(advertised),
            kafka: KafkaSettings::from_env()?,
            group_id: env_or("COMMAND_API_GROUP", "command-api"),
            session_timeout: Duration::from_millis(env_parse("KAFKA_SESSION_TIMEOUT_MS", "6000")?),
            transaction_timeout: Duration::from_millis(env_parse(
                "KAFKA_TRANSACTION_TIMEOUT_MS",
                "10000",
            )?),
            batch_max: env_parse("COMMAND_BATCH_MAX", "512")?,
            command_timeout: Duration::from_millis(env_parse("COMMAND_TIMEOUT_MS", "15000")?),
            max_body_bytes: env_parse("COMMAND_MAX_BODY_BYTES", "65536")?,
            replication: env_parse("EVENTS_TOPIC_REPLICATION", "1")?,
            schema_registry_url: schema_registry_url()?,
            auth: AuthSettings::from_env()?,
            http: HttpSettings::from_env(RouteClass::Commands)?,
        })
    }
}

fn schema_registry_url() -> Result<Option<String>, ConfigError> {
    let url = env_or("SCHEMA_REGISTRY_URL", "");
    if url.is_empty() {
        return Ok(None);
    }
    // The registry clients are built without a TLS backend.
    if !url.starts_with("http://") {
        return Err(ConfigError {
            variable: "SCHEMA_REGISTRY_URL".into(),
            value: url,
            reason: "must be an http:// URL (this build has no TLS support; put a TLS-terminating \
                     proxy in front of an https registry)"
                .into(),
        });
    }
    Ok(Some(url.trim_end_matches('/').to_owned()))
}
