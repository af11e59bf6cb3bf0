use platform::config::ConfigError;

use crate::schema_registry::RegistryError;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Bind(#[from] platform::http::BindError),
    #[error("cannot provision the events topic: {0}")]
    Topic(#[from] platform::kafka::TopicError),
    #[error("cannot create a Kafka client: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    #[error(transparent)]
    StateStore(#[from] crate::writer::StateStoreError),
    #[error("HTTP server failed: {0}")]
    Server(#[from] std::io::Error),
    /// A subject's registered schema does not accept this build's schema:
    /// starting would produce events its consumers were promised never to see.
    #[error(
        "refusing to start: the schema registry holds a version of subject {subject:?} that this \
         build's schema is not BACKWARD compatible with: {reason}"
    )]
    IncompatibleSchema { subject: String, reason: String },
    #[error("cannot register the event schemas: {0}")]
    SchemaRegistry(RegistryError),
    #[error(transparent)]
    Auth(#[from] platform::auth::AuthStartError),
    /// Two mounted aggregates would share a topic, and so its routes and writers.
    #[error("two mounted aggregates use the topic {topic:?}")]
    DuplicateMount { topic: String },
    #[error("no aggregate is mounted: the command API would serve no command")]
    NothingMounted,
}

impl From<RegistryError> for StartError {
    fn from(error: RegistryError) -> Self {
        match error {
            RegistryError::Incompatible { subject, reason } => {
                Self::IncompatibleSchema { subject, reason }
            }
            other => Self::SchemaRegistry(other),
        }
    }
}
