//! Wiring: load the build, bind the listener, serve until told to stop.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{App, web};
use futures::FutureExt;
use platform::config::ConfigError;
use platform::http::{Readiness, ReadinessProbe};
use serde_json::json;

use crate::config::Config;
use crate::security_headers::security_headers;
use crate::site::{Site, SiteError};

/// The longest the head of a connection's first request may take (as the services' default).
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Site(#[from] SiteError),
    #[error(transparent)]
    Bind(#[from] platform::http::BindError),
    #[error("HTTP server failed: {0}")]
    Server(#[from] std::io::Error),
}

pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
}

impl Application {
    /// Loads `config.dist` (a missing build fails here) and binds the
    /// listener (port 0 picks a free one).
    pub async fn build(config: Config) -> Result<Self, StartError> {
        let site = web::Data::new(Site::load(&config.dist)?);
        let (listener, port) = platform::http::bind(config.addr)?;
        let metrics = platform::telemetry::metrics_handle();
        let api = web::Data::new(config.api.clone());
        let files = site.len();
        let readiness: ReadinessProbe = Arc::new(move || {
            async move {
                Readiness {
                    ready: true,
                    checks: json!({ "files": files }),
                }
            }
            .boxed()
        });
        let options = platform::http::ServerOptions {
            workers: Some(config.workers),
            shutdown_timeout: Duration::from_secs(5),
            head_timeout: HEAD_TIMEOUT,
        };
        let server = platform::http::serve(listener, options, move || {
            App::new()
                .wrap(platform::http::json_errors())
                .wrap(security_headers(&api))
                .wrap(actix_web::middleware::from_fn(
                    platform::http::request_context,
                ))
                .wrap(platform::http::ResponsePolicy)
                .app_data(site.clone())
                .app_data(api.clone())
                .configure(|config| {
                    platform::http::operational_routes(config, readiness.clone(), metrics.clone())
                })
                .configure(crate::routes::configure)
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

/// Runs the console server configured from the environment until SIGTERM.
pub async fn serve_from_env() -> Result<(), StartError> {
    platform::telemetry::init_logging();
    let config = Config::from_env()?;
    let application = Application::build(config).await?;
    tracing::info!(port = application.port(), "console server listening");
    application
        .run_until_stopped(platform::shutdown::signal())
        .await
}
