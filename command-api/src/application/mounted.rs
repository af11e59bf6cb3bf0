//! One mounted aggregate, started: its topics, writers, routing,
//! service and routes. Each is built from the aggregate's registration alone.

use std::sync::Arc;

use actix_web::web;
use events::Aggregate;
use futures::FutureExt;
use futures::future::BoxFuture;

use super::registration::Registration;
use super::start_error::StartError;
use crate::config::Config;
use crate::http::openapi::AggregateOpenApi;
use crate::http::routes;
use crate::ownership::{OwnershipStatus, PartitionOwner, Registry, RoutingTable};
use crate::schema_registry;
use crate::service::CommandService;
use crate::writer::{StateStore, ValueFormat, WriterSettings};

/// What the application keeps of a started aggregate, whatever its type.
pub(super) trait MountedAggregate: Send + Sync {
    fn topic(&self) -> &str;
    /// Its writers, for the group member to hand partitions to.
    fn partition_owner(&self) -> Arc<dyn PartitionOwner>;
    /// `POST /v1/<topic>` and `POST /v1/<topic>/{id}/{command}`, with its service.
    fn routes(&self, config: &mut web::ServiceConfig);
    fn openapi(&self) -> &AggregateOpenApi;
    fn ownership(&self) -> OwnershipStatus;
    /// Who owns each partition of its topic, as the group says.
    fn routing(&self) -> Arc<RoutingTable>;
}

/// A mount waiting for the start: the aggregate's type is erased here so the
/// builder can hold mounts of different aggregates in one list.
pub(super) trait PendingMount: Send {
    fn topic(&self, config: &Config) -> String;
    fn start<'a>(
        self: Box<Self>,
        config: &'a Config,
        own_url: &'a str,
    ) -> BoxFuture<'a, Result<Arc<dyn MountedAggregate>, StartError>>;
}

impl<A: Aggregate> PendingMount for Registration<A> {
    fn topic(&self, config: &Config) -> String {
        config.kafka.topic(A::TOPIC_NAME)
    }

    fn start<'a>(
        self: Box<Self>,
        config: &'a Config,
        own_url: &'a str,
    ) -> BoxFuture<'a, Result<Arc<dyn MountedAggregate>, StartError>> {
        start(*self, config, own_url).boxed()
    }
}

/// Creates the topic `events.<A::TOPIC_NAME>` when missing, registers its
/// event schemas, and starts its key index; its writers start as the group
/// assigns partitions.
async fn start<A: Aggregate>(
    registration: Registration<A>,
    config: &Config,
    own_url: &str,
) -> Result<Arc<dyn MountedAggregate>, StartError> {
    let brokers = &config.kafka.brokers;
    let topic = config.kafka.topic(A::TOPIC_NAME);
    let partitions =
        platform::kafka::ensure_topic(brokers, &topic, config.kafka.partitions, config.replication)
            .await?;
    let state_topic = platform::kafka::state_topic_of(&topic);
    platform::kafka::ensure_state_topic(brokers, &state_topic, partitions, config.replication)
        .await?;
    let keys_topic = platform::kafka::keys_topic_of(&topic);
    platform::kafka::ensure_keys_topic(
        brokers,
        &keys_topic,
        partitions,
        config.replication,
        config.key_retention,
    )
    .await?;

    let value_format = match &config.schema_registry_url {
        Some(url) => {
            let ids = schema_registry::register(url, &topic, &registration.event_schemas()).await?;
            tracing::info!(
                url,
                topic,
                schemas = ids.len(),
                "values are framed for the schema registry"
            );
            ValueFormat::SchemaRegistry(Arc::new(ids))
        }
        None => ValueFormat::PlainJson,
    };

    let store = Arc::new(StateStore::open(&config.state_dir, &topic)?);
    tracing::info!(path = %store.path().display(), "state store open");
    let registry = Arc::new(Registry::<A>::new(WriterSettings {
        brokers: brokers.clone(),
        topic: topic.clone(),
        state_topic,
        keys_topic,
        group_id: config.group_id.clone(),
        transaction_timeout: config.transaction_timeout,
        batch_max: config.batch_max,
        value_format,
        key_retention: config.key_retention,
        store,
        cache_streams: config.state_cache_streams,
    }));
    let routing = Arc::new(RoutingTable::new(brokers, &config.group_id, &topic)?);
    let service = web::Data::new(CommandService::<A> {
        registry: registry.clone(),
        routing: routing.clone(),
        partitions,
        own_url: own_url.to_owned(),
        timeout: config.command_timeout,
    });
    let mounted = Mounted {
        topic,
        registry,
        service,
        routing,
        openapi: registration.openapi(),
    };
    Ok(Arc::new(mounted))
}

struct Mounted<A: Aggregate> {
    topic: String,
    registry: Arc<Registry<A>>,
    service: web::Data<CommandService<A>>,
    routing: Arc<RoutingTable>,
    openapi: AggregateOpenApi,
}

impl<A: Aggregate> MountedAggregate for Mounted<A> {
    fn topic(&self) -> &str {
        &self.topic
    }

    fn partition_owner(&self) -> Arc<dyn PartitionOwner> {
        self.registry.clone()
    }

    fn routes(&self, config: &mut web::ServiceConfig) {
        config.app_data(self.service.clone());
        routes::configure::<A>(config);
    }

    fn openapi(&self) -> &AggregateOpenApi {
        &self.openapi
    }

    fn ownership(&self) -> OwnershipStatus {
        self.registry.status()
    }

    fn routing(&self) -> Arc<RoutingTable> {
        self.routing.clone()
    }
}
