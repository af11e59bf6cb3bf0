//! Wiring: the mounted aggregates (topic, writers, routing, key index and
//! routes each), the consumer group and the HTTP server.

mod builder;
mod mounted;
mod readiness;
pub mod registration;
mod start_error;

use std::future::Future;

pub use builder::{CommandApi, CommandApiBuilder};
pub use registration::Registration;
pub use start_error::StartError;

use crate::config::Config;
use crate::ownership::{GroupMember, StandbyPlanner};

pub struct Application {
    url: String,
    port: u16,
    server: actix_web::dev::Server,
    member: GroupMember,
    standby: Option<StandbyPlanner>,
}

impl Application {
    /// The command API with the task and project aggregates mounted (see
    /// [`CommandApi`] to mount others).
    pub async fn build(config: Config) -> Result<Self, StartError> {
        CommandApi::builder(config)
            .mount_with(registration::task())
            .mount_with(registration::project())
            .build()
            .await
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
        let (member, standby) = (self.member, self.standby);
        let _ = tokio::task::spawn_blocking(move || {
            if let Some(standby) = standby {
                standby.stop();
            }
            member.leave()
        })
        .await;
        Ok(())
    }
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
