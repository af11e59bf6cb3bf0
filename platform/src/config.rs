//! Configuration comes from environment variables with documented defaults.
//! Every value is validated at start so a typo fails fast with the variable's name.

use std::str::FromStr;

mod http;

pub use http::{HttpSettings, RateLimitSettings, RouteClass};

#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {variable}={value:?}: {reason}")]
pub struct ConfigError {
    pub variable: String,
    pub value: String,
    pub reason: String,
}

/// The variable's value, or `default` when it is unset or empty.
pub fn env_or(variable: &str, default: &str) -> String {
    match std::env::var(variable) {
        Ok(value) if !value.trim().is_empty() => value.trim().to_owned(),
        _ => default.to_owned(),
    }
}

/// The variable parsed as `T`, or `default` (itself parsed) when unset.
pub fn env_parse<T>(variable: &str, default: &str) -> Result<T, ConfigError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let value = env_or(variable, default);
    value.parse().map_err(|error: T::Err| ConfigError {
        variable: variable.to_owned(),
        value: value.clone(),
        reason: error.to_string(),
    })
}

/// Settings shared by every service that talks to Kafka.
#[derive(Debug, Clone)]
pub struct KafkaSettings {
    /// `KAFKA_BROKERS`, default `127.0.0.1:9092`.
    pub brokers: String,
    /// `EVENTS_TOPIC_PREFIX`, default `events.`: the topic of an aggregate is prefix + its topic name.
    pub topic_prefix: String,
    /// `EVENTS_TOPIC_PARTITIONS`, default 6: used when the platform creates a topic.
    pub partitions: i32,
}

impl KafkaSettings {
    pub fn from_env() -> Result<Self, ConfigError> {
        let settings = Self {
            brokers: env_or("KAFKA_BROKERS", "127.0.0.1:9092"),
            topic_prefix: env_or("EVENTS_TOPIC_PREFIX", "events."),
            partitions: env_parse("EVENTS_TOPIC_PARTITIONS", "6")?,
        };
        if settings.partitions < 1 {
            return Err(ConfigError {
                variable: "EVENTS_TOPIC_PARTITIONS".into(),
                value: settings.partitions.to_string(),
                reason: "must be at least 1".into(),
            });
        }
        Ok(settings)
    }

    pub fn topic(&self, topic_name: &str) -> String {
        format!("{}{}", self.topic_prefix, topic_name)
    }
}

/// `DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/cqrs`.
pub fn database_url() -> String {
    env_or("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cqrs")
}
