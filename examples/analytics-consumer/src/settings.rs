/// What the consumer reads and where from. `from_env` documents the variables.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `KAFKA_BROKERS`, default `127.0.0.1:9092`.
    pub brokers: String,
    /// `ANALYTICS_TOPIC`, default `events.tasks`.
    pub topic: String,
    /// `ANALYTICS_GROUP`, default `analytics-consumer`. Its own group: committed
    /// offsets are this consumer's alone, and a new group starts at the beginning.
    pub group_id: String,
    /// `SCHEMA_REGISTRY_URL`, default unset: framed values are then parsed
    /// without fetching or validating their schema.
    pub registry_url: Option<String>,
    /// `ANALYTICS_EXIT_AT_END=true`: stop once every partition has been read to
    /// its end, instead of waiting for new events.
    pub exit_at_end: bool,
}

impl Settings {
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        Self {
            brokers: var("KAFKA_BROKERS").unwrap_or_else(|| "127.0.0.1:9092".into()),
            topic: var("ANALYTICS_TOPIC").unwrap_or_else(|| "events.tasks".into()),
            group_id: var("ANALYTICS_GROUP").unwrap_or_else(|| "analytics-consumer".into()),
            registry_url: var("SCHEMA_REGISTRY_URL"),
            exit_at_end: var("ANALYTICS_EXIT_AT_END").is_some_and(|value| value == "true"),
        }
    }
}
