//! Wiring: topic, consumer group, writers, routing and the HTTP server.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{App, middleware, web};
use events::Aggregate;
use events::task::Task;
use futures::FutureExt;
use platform::config::{ConfigError, RouteClass};
use platform::http::{Readiness, ReadinessProbe};
use rdkafka::consumer::{BaseConsumer, Consumer};
use serde_json::json;

use crate::config::Config;
use crate::http::command_http::CommandHttp;
use crate::http::{forward::Forwarder, openapi, routes};
use crate::key_index::{KeyIndex, KeyIndexer};
use crate::ownership::group_member::GroupMemberSettings;
use crate::ownership::{self, GroupMember, Registry, RoutingTable};
use crate::schema_registry::{self, RegistryError};
use crate::service::CommandService;
use crate::writer::{ValueFormat, WriterSettings};

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

pub struct Application {
    url: String,
    port: u16,
    server: actix_web::dev::Server,
    member: GroupMember,
    key_indexer: KeyIndexer,
}

impl Application {
    /// Binds the listener (port 0 picks a free one), creates the topic when
    /// missing and joins the ownership group. Partitions restore in the background.
    pub async fn build(config: Config) -> Result<Self, StartError> {
        let (listener, port) = platform::http::bind(config.addr)?;
        let authenticator =
            platform::auth::Authenticator::start(config.auth.clone(), "command-api").await?;
        let access =
            platform::http::AccessControl::new(authenticator, platform::auth::SCOPE_COMMANDS_WRITE);
        let url = config
            .advertised_url
            .clone()
            .unwrap_or_else(|| format!("http://{}:{port}", config.addr.ip()));

        let topic = config.kafka.topic(Task::TOPIC_NAME);
        let partitions = platform::kafka::ensure_topic(
            &config.kafka.brokers,
            &topic,
            config.kafka.partitions,
            config.replication,
        )
        .await?;

        let value_format = match &config.schema_registry_url {
            Some(url) => {
                let ids = schema_registry::register_all(url, &topic).await?;
                tracing::info!(
                    url,
                    schemas = ids.len(),
                    "values are framed for the schema registry"
                );
                ValueFormat::SchemaRegistry(Arc::new(ids))
            }
            None => ValueFormat::PlainJson,
        };

        let registry = Arc::new(Registry::<Task>::new(WriterSettings {
            brokers: config.kafka.brokers.clone(),
            topic: topic.clone(),
            group_id: config.group_id.clone(),
            transaction_timeout: config.transaction_timeout,
            batch_max: config.batch_max,
            value_format,
        }));
        let keys = KeyIndex::default();
        let key_indexer =
            KeyIndexer::start(&config.kafka.brokers, &topic, partitions, keys.clone())?;
        let member = GroupMember::join(
            GroupMemberSettings {
                brokers: config.kafka.brokers.clone(),
                topic: topic.clone(),
                group_id: config.group_id.clone(),
                client_id: ownership::client_id(&url),
                session_timeout: config.session_timeout,
            },
            registry.clone(),
        )?;
        let service = web::Data::new(CommandService::<Task> {
            registry: registry.clone(),
            routing: RoutingTable::new(&config.kafka.brokers, &config.group_id, &topic)?,
            keys: keys.clone(),
            partitions,
            own_url: url.clone(),
            timeout: config.command_timeout,
        });
        let command_http = web::Data::new(CommandHttp {
            forwarder: Forwarder::new(config.command_timeout),
            max_body_bytes: config.max_body_bytes,
        });
        let readiness = readiness_probe(registry, keys, &config.kafka.brokers, &topic)?;
        let metrics = platform::telemetry::metrics_handle();
        let document = web::Data::new(openapi::OpenApiDocument(openapi::document_for(&[
            openapi::task_openapi(),
        ])));

        let http = config.http.clone();
        let rate_limit = platform::http::RateLimit::new(RouteClass::Commands, http.rate_limit);
        let options = platform::http::ServerOptions {
            workers: None,
            shutdown_timeout: Duration::from_secs(10),
            head_timeout: http.head_timeout,
        };
        let server = platform::http::serve(listener, options, move || {
            App::new()
                .wrap(rate_limit.clone())
                .wrap(middleware::from_fn(platform::http::authenticate))
                .wrap(platform::http::json_errors())
                .wrap(platform::http::cors(&http.cors_allowed_origins))
                .wrap(platform::http::RequestLimits::new(&http))
                .wrap(middleware::from_fn(platform::http::request_context))
                .wrap(platform::http::ResponsePolicy)
                .app_data(access.clone())
                .app_data(service.clone())
                .app_data(command_http.clone())
                .app_data(document.clone())
                .configure(|config| {
                    platform::http::operational_routes(config, readiness.clone(), metrics.clone())
                })
                .service(platform::http::endpoint("/openapi.json").get(openapi::document))
                .configure(routes::configure::<Task>)
        })?;

        Ok(Self {
            url,
            port,
            server,
            member,
            key_indexer,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Serves until `shutdown` resolves, then drains requests in flight and
    /// leaves the group, which lets every writer finish its batch.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()>,
    ) -> Result<(), StartError> {
        let server = platform::http::RunningServer::start(self.server);
        shutdown.await;
        tracing::info!("shutting down");
        server.stop().await;
        let (member, key_indexer) = (self.member, self.key_indexer);
        let _ = tokio::task::spawn_blocking(move || {
            member.leave();
            key_indexer.stop();
        })
        .await;
        Ok(())
    }
}

/// Ready when Kafka answers, every owned partition has been restored and the
/// idempotency keys of the whole topic have been read.
fn readiness_probe<A: Aggregate>(
    registry: Arc<Registry<A>>,
    keys: KeyIndex,
    brokers: &str,
    topic: &str,
) -> Result<ReadinessProbe, StartError> {
    let admin: Arc<BaseConsumer> = Arc::new(platform::kafka::client_config(brokers).create()?);
    let topic = topic.to_owned();
    Ok(Arc::new(move || {
        let registry = registry.clone();
        let keys = keys.clone();
        let admin = admin.clone();
        let topic = topic.clone();
        async move {
            let kafka = tokio::task::spawn_blocking(move || {
                admin
                    .fetch_metadata(Some(&topic), Duration::from_secs(2))
                    .is_ok()
            })
            .await
            .unwrap_or(false);
            let ownership = registry.status();
            Readiness {
                ready: kafka
                    && ownership.joined
                    && ownership.restoring.is_empty()
                    && keys.caught_up(),
                checks: json!({ "kafka": kafka, "ownership": ownership, "idempotency_keys_loaded": keys.caught_up() }),
            }
        }
        .boxed()
    }))
}

/// Runs the command API configured from the environment until SIGTERM.
pub async fn serve_from_env() -> Result<(), StartError> {
    platform::telemetry::init_logging();
    let config = Config::from_env()?;
    let application = Application::build(config).await?;
    tracing::info!(url = application.url(), "command API listening");
    application
        .run_until_stopped(platform::shutdown::signal())
        .await
}
