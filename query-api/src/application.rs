//! Wiring: database and migrations, the checkpoint watcher, the HTTP server.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{App, middleware, web};
use futures::FutureExt;
use platform::config::{ConfigError, RouteClass};
use platform::http::{Readiness, ReadinessProbe};
use serde_json::json;

use crate::config::Config;
use crate::consistency::{CheckpointWatcher, TopicBounds};
use crate::http::{self, AppState};
use crate::live_versions::LiveVersions;
use crate::mount::QueryMount;
use crate::read_model::{ProjectsModel, TasksModel};
use crate::topics::EventTopics;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Bind(#[from] platform::http::BindError),
    #[error("cannot connect to PostgreSQL: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot migrate the read models: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("HTTP server failed: {0}")]
    Server(#[from] std::io::Error),
    #[error(transparent)]
    Auth(#[from] platform::auth::AuthStartError),
    #[error("cannot create a Kafka client: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
}

pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
}

/// The query API with more read models mounted beside the platform's.
pub struct QueryApiBuilder {
    config: Config,
    mounts: Vec<QueryMount>,
}

impl QueryApiBuilder {
    pub fn mount(mut self, mount: QueryMount) -> Self {
        self.mounts.push(mount);
        self
    }

    pub async fn build(self) -> Result<Application, StartError> {
        Application::start(self.config, self.mounts).await
    }
}

impl Application {
    /// The query API serving the platform's read models.
    pub async fn build(config: Config) -> Result<Self, StartError> {
        Self::start(config, Vec::new()).await
    }

    /// The platform's read models and those mounted on the builder.
    pub fn builder(config: Config) -> QueryApiBuilder {
        QueryApiBuilder {
            config,
            mounts: Vec::new(),
        }
    }

    /// Binds the listener (port 0 picks a free one), migrates (so the query
    /// API may start before the projector) and starts the checkpoint watcher.
    async fn start(mut config: Config, mounts: Vec<QueryMount>) -> Result<Self, StartError> {
        for mount in &mounts {
            for topic_name in mount.topic_names {
                config.topics.add(topic_name);
            }
        }
        config.topics.validate()?;
        let (listener, port) = platform::http::bind(config.addr)?;
        let metrics = platform::telemetry::metrics_handle();
        let authenticator =
            platform::auth::Authenticator::start(config.auth.clone(), "query-api").await?;
        let access =
            platform::http::AccessControl::new(authenticator, platform::auth::SCOPE_QUERIES_READ);
        let pool =
            platform::postgres::connect(&config.database_url, config.db_max_connections).await?;
        read_model::migrations::run(&pool).await?;
        let watcher = CheckpointWatcher::start(pool.clone(), config.topics.clone()).await?;
        let live = LiveVersions::start(pool.clone()).await?;

        let state = web::Data::new(AppState {
            pool: pool.clone(),
            watcher: watcher.clone(),
            live: live.clone(),
            bounds: Arc::new(TopicBounds::new(&config.brokers)?),
            consistency: config.consistency,
            topics: config.topics.clone(),
        });
        let readiness = readiness_probe(pool, watcher, config.topics.clone());
        let http_settings = config.http.clone();
        let rate_limit =
            platform::http::RateLimit::new(RouteClass::Queries, http_settings.rate_limit);
        let options = platform::http::ServerOptions {
            workers: Some(config.workers.max(1)),
            shutdown_timeout: Duration::from_secs(10),
            head_timeout: http_settings.head_timeout,
        };
        let server = platform::http::serve(listener, options, move || {
            App::new()
                .wrap(rate_limit.clone())
                .wrap(middleware::from_fn(platform::http::authenticate))
                .wrap(platform::http::json_errors())
                .wrap(middleware::from_fn(http::observe))
                .wrap(platform::http::cors(&http_settings.cors_allowed_origins))
                .wrap(platform::http::RequestLimits::new(&http_settings))
                .wrap(middleware::from_fn(platform::http::request_context))
                .wrap(platform::http::ResponsePolicy)
                .app_data(access.clone())
                .app_data(state.clone())
                .configure(|config| {
                    platform::http::operational_routes(config, readiness.clone(), metrics.clone())
                })
                .configure(|config| {
                    for mount in &mounts {
                        (mount.routes)(config);
                    }
                })
                .configure(http::configure)
        })?;
        Ok(Self { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until `shutdown` resolves, then drains requests in flight.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()>,
    ) -> Result<(), StartError> {
        let server = platform::http::RunningServer::start(self.server);
        shutdown.await;
        tracing::info!("shutting down");
        server.stop().await;
        Ok(())
    }
}

/// Ready when PostgreSQL answers with a live version of every projection
/// served and the checkpoint listener is connected.
fn readiness_probe(
    pool: sqlx::PgPool,
    watcher: Arc<CheckpointWatcher>,
    topics: EventTopics,
) -> ReadinessProbe {
    Arc::new(move || {
        let (pool, watcher, topics) = (pool.clone(), watcher.clone(), topics.clone());
        async move {
            // From the database itself, not the request path's cache: the
            // probe also says whether PostgreSQL answers.
            let live = |name| {
                let pool = pool.clone();
                async move {
                    read_model::versions::live_version(&pool, name)
                        .await
                        .ok()
                        .flatten()
                }
            };
            let tasks = live(read_model::tasks::NAME)
                .await
                .map(|v| TasksModel::of_version(v, &topics));
            let projects = live(read_model::projects::NAME)
                .await
                .map(|v| ProjectsModel::of_version(v, &topics));
            let listener = watcher.connected();
            let serving = tasks.is_some() && projects.is_some();
            Readiness {
                ready: serving && listener,
                checks: json!({
                    "database": tasks.is_some() || projects.is_some(),
                    "serving": {
                        "tasks": tasks.map(|model| model.projection),
                        "projects": projects.map(|model| model.projection),
                    },
                    "checkpoint_listener": listener,
                }),
            }
        }
        .boxed()
    })
}

/// Runs the query API configured from the environment until SIGTERM.
pub async fn serve_from_env() -> Result<(), StartError> {
    platform::telemetry::init_logging();
    let config = Config::from_env()?;
    let application = Application::build(config).await?;
    tracing::info!(port = application.port(), "query API listening");
    application
        .run_until_stopped(platform::shutdown::signal())
        .await
}
