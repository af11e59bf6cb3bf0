//! `CommandApi::builder(config).mount::<A>()…build()`: the command API with
//! one mount per aggregate. Everything that differs between aggregates comes
//! from the mount; the listener, authentication, the group membership and
//! the HTTP server are shared.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{App, middleware, web};
use events::Aggregate;
use platform::config::RouteClass;

use super::Application;
use super::mounted::{MountedAggregate, PendingMount};
use super::readiness::readiness_probe;
use super::registration::Registration;
use super::start_error::StartError;
use crate::config::Config;
use crate::http::command_http::CommandHttp;
use crate::http::forward::Forwarder;
use crate::http::instances::{self, InstanceDirectory};
use crate::http::openapi::{self, OpenApiDocument};
use crate::ownership::group_member::GroupMemberSettings;
use crate::ownership::{self, GroupMember, StandbyPlanner};

/// The entry point of a command API with chosen aggregates.
pub struct CommandApi;

impl CommandApi {
    pub fn builder(config: Config) -> CommandApiBuilder {
        CommandApiBuilder {
            config,
            mounts: Vec::new(),
        }
    }
}

pub struct CommandApiBuilder {
    config: Config,
    mounts: Vec<Box<dyn PendingMount>>,
}

impl CommandApiBuilder {
    /// Mounts `A` as the `Aggregate` trait describes it (see [`Registration::derived`]).
    pub fn mount<A: Aggregate>(self) -> Self {
        self.mount_with(Registration::<A>::derived())
    }

    /// Mounts an aggregate with what its registration supplies.
    pub fn mount_with<A: Aggregate>(mut self, registration: Registration<A>) -> Self {
        self.mounts.push(Box::new(registration));
        self
    }

    /// Binds the listener (port 0 picks a free one), starts every mount (its
    /// topic created when missing, its schemas registered), then joins the
    /// ownership group on all their topics. Partitions restore in the background.
    pub async fn build(self) -> Result<Application, StartError> {
        let Self { config, mounts } = self;
        if mounts.is_empty() {
            return Err(StartError::NothingMounted);
        }
        let mut topics = HashSet::new();
        for mount in &mounts {
            let topic = mount.topic(&config);
            if !topics.insert(topic.clone()) {
                return Err(StartError::DuplicateMount { topic });
            }
        }

        let (listener, port) = platform::http::bind(config.addr)?;
        let authenticator =
            platform::auth::Authenticator::start(config.auth.clone(), "command-api").await?;
        let access =
            platform::http::AccessControl::new(authenticator, platform::auth::SCOPE_COMMANDS_WRITE);
        let url = config
            .advertised_url
            .clone()
            .unwrap_or_else(|| format!("http://{}:{port}", config.addr.ip()));

        let mut started = Vec::with_capacity(mounts.len());
        for mount in mounts {
            started.push(mount.start(&config, &url).await?);
        }
        let mounted: Arc<[Arc<dyn MountedAggregate>]> = started.into();

        let member = GroupMember::join(
            GroupMemberSettings {
                brokers: config.kafka.brokers.clone(),
                group_id: config.group_id.clone(),
                client_id: ownership::client_id(&url),
                session_timeout: config.session_timeout,
            },
            mounted.iter().map(|m| m.partition_owner()).collect(),
        )?;
        let standby = StandbyPlanner::start(
            &config.kafka.brokers,
            &config.group_id,
            &url,
            config.standby_replicas,
            mounted.iter().map(|m| m.partition_owner()).collect(),
        )?;
        let command_http = web::Data::new(CommandHttp {
            forwarder: Forwarder::new(config.command_timeout),
            max_body_bytes: config.max_body_bytes,
        });
        let parts: Vec<_> = mounted.iter().map(|m| m.openapi().clone()).collect();
        let document = web::Data::new(OpenApiDocument(openapi::document_for(&parts)));
        let readiness = readiness_probe(mounted.clone(), &config.kafka.brokers)?;
        let directory = web::Data::new(InstanceDirectory {
            own_url: url.clone(),
            tables: mounted.iter().map(|m| m.routing()).collect(),
        });
        let metrics = platform::telemetry::metrics_handle();

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
                .app_data(command_http.clone())
                .app_data(document.clone())
                .app_data(directory.clone())
                .configure(|config| {
                    platform::http::operational_routes(config, readiness.clone(), metrics.clone())
                })
                .service(platform::http::endpoint("/openapi.json").get(openapi::document))
                .service(platform::http::endpoint("/v1/instances").get(instances::list))
                .configure(|config| {
                    for mount in mounted.iter() {
                        mount.routes(config);
                    }
                })
        })?;

        Ok(Application {
            url,
            port,
            server,
            member,
            standby,
        })
    }
}
