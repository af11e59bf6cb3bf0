//! The query API's configuration, read from the environment and validated at start.

use std::net::SocketAddr;
use std::time::Duration;

use platform::auth::AuthSettings;
use platform::config::{
    ConfigError, HttpSettings, KafkaSettings, RouteClass, database_url, env_parse,
};

use crate::topics::EventTopics;

#[derive(Debug, Clone)]
pub struct Config {
    /// `QUERY_API_ADDR`, default `127.0.0.1:8082`; port 0 picks a free port.
    pub addr: SocketAddr,
    /// `DATABASE_URL`.
    pub database_url: String,
    /// The event topics position tokens may name: `EVENTS_TOPIC_PREFIX`
    /// (default `events.`) + `tasks` and + `projects`.
    pub topics: EventTopics,
    /// `KAFKA_BROKERS`, default `127.0.0.1:9092`: asked only whether a
    /// position token names an event that exists.
    pub brokers: String,
    /// `QUERY_API_DB_MAX_CONNECTIONS`, default 16.
    pub db_max_connections: u32,
    /// `QUERY_API_WORKERS`, default 2: HTTP worker threads.
    pub workers: usize,
    pub consistency: ConsistencySettings,
    /// `AUTH_*`: how callers are authenticated (see `platform::auth`).
    pub auth: AuthSettings,
    /// Body and head timeouts, CORS and the queries rate limit
    /// (`RATE_LIMIT_QUERIES_PER_SECOND`, `RATE_LIMIT_QUERIES_BURST`).
    pub http: HttpSettings,
}

/// How long a read with a position token may wait for the projection.
#[derive(Debug, Clone, Copy)]
pub struct ConsistencySettings {
    /// `QUERY_CONSISTENCY_WAIT_MS`, default 2000: the wait when the client names none.
    pub default_wait: Duration,
    /// `QUERY_CONSISTENCY_MAX_WAIT_MS`, default 10000: the most a client may ask for.
    pub max_wait: Duration,
}

impl Default for ConsistencySettings {
    fn default() -> Self {
        Self {
            default_wait: Duration::from_secs(2),
            max_wait: Duration::from_secs(10),
        }
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let consistency = ConsistencySettings {
            default_wait: Duration::from_millis(env_parse("QUERY_CONSISTENCY_WAIT_MS", "2000")?),
            max_wait: Duration::from_millis(env_parse("QUERY_CONSISTENCY_MAX_WAIT_MS", "10000")?),
        };
        if consistency.default_wait > consistency.max_wait {
            return Err(ConfigError {
                variable: "QUERY_CONSISTENCY_WAIT_MS".into(),
                value: consistency.default_wait.as_millis().to_string(),
                reason: "must not exceed QUERY_CONSISTENCY_MAX_WAIT_MS".into(),
            });
        }
        let kafka = KafkaSettings::from_env()?;
        let topics = EventTopics::with_prefix(&kafka.topic_prefix);
        topics.validate()?;
        Ok(Self {
            addr: env_parse("QUERY_API_ADDR", "127.0.0.1:8082")?,
            database_url: database_url(),
            topics,
            brokers: kafka.brokers,
            db_max_connections: env_parse("QUERY_API_DB_MAX_CONNECTIONS", "16")?,
            workers: env_parse("QUERY_API_WORKERS", "2")?,
            consistency,
            auth: AuthSettings::from_env()?,
            http: HttpSettings::from_env(RouteClass::Queries)?,
        })
    }
}
