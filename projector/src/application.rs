//! Serving: database and migrations, the supervisor (which runs a worker per
//! projection version and topic), the dispatcher of the process managers'
//! commands, and the HTTP server.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{App, middleware};
use platform::config::ConfigError;

use crate::config::Config;
use crate::http::{self, Projections};
use crate::operations::Operations;
use crate::process::{Credentials, Dispatcher};
use crate::projection::Kind;
use crate::projection::Projection;
use crate::registry::{Registry, UnknownProjection};
use crate::status::{KafkaProbe, StatusSource};
use crate::supervisor::{Supervisor, SupervisorError};

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
    #[error(transparent)]
    Supervisor(#[from] SupervisorError),
    #[error("HTTP server failed: {0}")]
    Server(#[from] std::io::Error),
    #[error(transparent)]
    Auth(#[from] platform::auth::AuthStartError),
    #[error(transparent)]
    Credentials(#[from] crate::process::CredentialsError),
    #[error("cannot create the command API client: {0}")]
    Client(#[from] reqwest::Error),
    #[error("PROJECTOR_PROJECTIONS: {0}")]
    UnknownProjection(#[from] UnknownProjection),
    #[error("no projection is registered")]
    NothingRegistered,
    #[error("cannot create a Kafka client: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
}

pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
    supervisor: Supervisor,
    /// Delivers the process managers' commands, when this process runs one.
    dispatcher: Option<Dispatcher>,
}

/// A projector with the projections registered on it (see
/// [`Application::builder`]).
pub struct ProjectorBuilder {
    config: Config,
    registry: Registry,
}

impl ProjectorBuilder {
    /// Adds a projection or process manager.
    pub fn register<P: Projection>(mut self, projection: P) -> Self {
        self.registry = self.registry.register(projection);
        self
    }

    pub async fn build(self) -> Result<Application, StartError> {
        Application::start(self.config, Arc::new(self.registry)).await
    }
}

impl Application {
    /// The projector with the platform's projections (`registry::platform`).
    pub async fn build(config: Config) -> Result<Self, StartError> {
        Self::start(config, crate::registry::registry().clone()).await
    }

    /// A projector running the projections registered on the builder only.
    pub fn builder(config: Config) -> ProjectorBuilder {
        ProjectorBuilder {
            config,
            registry: Registry::default(),
        }
    }

    /// Binds the listener (port 0 picks a free one), migrates, and starts the
    /// workers; partitions are assigned in the background.
    async fn start(config: Config, registry: Arc<Registry>) -> Result<Self, StartError> {
        if registry.names().next().is_none() {
            return Err(StartError::NothingRegistered);
        }
        for name in config.projections.iter().flatten() {
            registry.get(name)?;
        }
        let (listener, port) = platform::http::bind(config.addr)?;
        // Installed before the workers start, so their first measurements count.
        let metrics = platform::telemetry::metrics_handle();
        let authenticator =
            platform::auth::Authenticator::start(config.auth.clone(), "projector").await?;
        let access =
            platform::http::AccessControl::new(authenticator, platform::auth::SCOPE_OPS_ADMIN);
        let pool = platform::postgres::connect(&config.database_url, 2).await?;
        read_model::migrations::run(&pool).await?;

        let http_settings = config.http.clone();
        let runs_a_process_manager = registry.names().any(|name| {
            config.runs(name)
                && registry
                    .get(name)
                    .is_ok_and(|registered| registered.kind() == Kind::ProcessManager)
        });
        let dispatcher = if runs_a_process_manager {
            let credentials = Credentials::new(&config.auth, &config.process_managers)?;
            Some(Dispatcher::new(
                pool.clone(),
                &config.process_managers,
                credentials,
            )?)
        } else {
            None
        };
        let operations = Arc::new(Operations::new(
            pool.clone(),
            StatusSource::new(
                pool.clone(),
                Arc::new(KafkaProbe::new(&config.kafka.brokers)?),
                &config.kafka.topic_prefix,
                &config.group_prefix,
                registry.clone(),
            ),
            registry.clone(),
            &config.kafka.brokers,
        ));
        let supervisor = Supervisor::start(config, registry, port, pool.clone()).await?;
        let projections = Projections {
            shared: supervisor.shared(),
            pool,
            operations,
        };
        let options = platform::http::ServerOptions {
            workers: Some(1),
            shutdown_timeout: Duration::from_secs(5),
            head_timeout: http_settings.head_timeout,
        };
        let server = platform::http::serve(listener, options, move || {
            App::new()
                .wrap(middleware::from_fn(platform::http::authenticate))
                .wrap(platform::http::json_errors())
                .wrap(platform::http::cors(&http_settings.cors_allowed_origins))
                .wrap(platform::http::RequestLimits::new(&http_settings))
                .wrap(middleware::from_fn(platform::http::request_context))
                .wrap(platform::http::ResponsePolicy)
                .app_data(access.clone())
                .configure(|config| {
                    platform::http::liveness_and_metrics_routes(config, metrics.clone())
                })
                .configure(|config| http::configure(config, projections.clone()))
        })?;
        Ok(Self {
            port,
            server,
            supervisor,
            dispatcher,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until `shutdown` resolves; then every worker finishes and
    /// commits its batch in flight and leaves its group.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()>,
    ) -> Result<(), StartError> {
        let server = platform::http::RunningServer::start(self.server);
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let supervising = tokio::spawn(self.supervisor.run(stopped));
        let dispatching = self.dispatcher.map(Dispatcher::spawn);
        shutdown.await;
        tracing::info!("shutting down");
        let _ = stop.send(true);
        if let Some(dispatching) = dispatching {
            dispatching.stop().await;
        }
        if let Ok(supervisor) = supervising.await {
            supervisor.shutdown().await;
        }
        server.stop().await;
        Ok(())
    }
}

/// Runs the projector configured from the environment until SIGTERM.
pub async fn serve_from_env() -> Result<(), StartError> {
    platform::telemetry::init_logging();
    let config = Config::from_env()?;
    let application = Application::build(config).await?;
    tracing::info!(port = application.port(), "projector listening");
    application
        .run_until_stopped(platform::shutdown::signal())
        .await
}
