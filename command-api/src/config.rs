//! The command API's configuration, read from the environment and validated at start.

use std::net::SocketAddr;
use std::path::PathBuf;
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
    /// `IDEMPOTENCY_KEY_RETENTION`, default `7d`: how long an `Idempotency-Key`
    /// keeps its first answer, as `<n>s`, `<n>m`, `<n>h` or `<n>d`; `0` keeps
    /// keys for good (and every stream's snapshot carries all of its keys).
    pub key_retention: Option<Duration>,
    /// `COMMAND_STATE_DIR`, default `command-state` (relative to the working
    /// directory): this instance's on-disk copy of its partitions' stream
    /// state, one `<topic>.redb` file per aggregate. Rebuildable from Kafka at
    /// any time; two instances must not share one (the second fails at start).
    pub state_dir: PathBuf,
    /// `COMMAND_STATE_CACHE_STREAMS`, default 10000, > 0: streams each
    /// partition writer keeps in memory; the others are read from the state
    /// store when a command needs them.
    pub state_cache_streams: usize,
    /// `COMMAND_STANDBY_REPLICAS`, default 0: how many other instances' partitions
    /// this instance keeps warm copies of, so that a failover to it reads only
    /// the newest snapshots. With 1, each instance follows the partitions of the
    /// instance before it (in the order of their URLs).
    pub standby_replicas: usize,
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
    /// `COMMAND_STATE_CACHE_STREAMS`'s default.
    pub const DEFAULT_STATE_CACHE_STREAMS: usize = 10_000;

    /// `IDEMPOTENCY_KEY_RETENTION`'s default, 7 days.
    pub const DEFAULT_KEY_RETENTION: Duration = Duration::from_secs(7 * 86_400);

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
            key_retention: key_retention()?,
            state_dir: PathBuf::from(env_or("COMMAND_STATE_DIR", "command-state")),
            state_cache_streams: state_cache_streams()?,
            standby_replicas: env_parse("COMMAND_STANDBY_REPLICAS", "0")?,
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

fn state_cache_streams() -> Result<usize, ConfigError> {
    let streams: usize = env_parse("COMMAND_STATE_CACHE_STREAMS", "10000")?;
    if streams == 0 {
        return Err(ConfigError {
            variable: "COMMAND_STATE_CACHE_STREAMS".into(),
            value: "0".into(),
            reason: "must be at least 1".into(),
        });
    }
    Ok(streams)
}

fn key_retention() -> Result<Option<Duration>, ConfigError> {
    let value = env_or("IDEMPOTENCY_KEY_RETENTION", "7d");
    parse_retention(&value).map_err(|reason| ConfigError {
        variable: "IDEMPOTENCY_KEY_RETENTION".into(),
        value,
        reason: reason.into(),
    })
}

/// `0` is "forever"; anything else is a positive count of seconds, minutes, hours or days.
fn parse_retention(value: &str) -> Result<Option<Duration>, &'static str> {
    const FORMAT: &str = "expected 0 or a positive number followed by s, m, h or d, e.g. 7d";
    if value == "0" {
        return Ok(None);
    }
    let split = value.len().saturating_sub(1);
    let (count, unit) = value.split_at(split);
    let count: u64 = count.parse().map_err(|_| FORMAT)?;
    let seconds_per_unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return Err(FORMAT),
    };
    match count.checked_mul(seconds_per_unit) {
        Some(0) | None => Err(FORMAT),
        Some(seconds) => Ok(Some(Duration::from_secs(seconds))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_reads_units_and_zero_as_forever() {
        assert_eq!(parse_retention("0"), Ok(None));
        assert_eq!(
            parse_retention("7d"),
            Ok(Some(Duration::from_secs(604_800)))
        );
        assert_eq!(parse_retention("90m"), Ok(Some(Duration::from_secs(5_400))));
        assert_eq!(parse_retention("30s"), Ok(Some(Duration::from_secs(30))));
        for refused in ["", "7", "d", "-1d", "0d", "1w", "1.5h"] {
            assert!(parse_retention(refused).is_err(), "{refused}");
        }
    }
}
