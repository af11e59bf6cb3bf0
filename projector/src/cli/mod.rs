//! `projector [subcommand]`: serving (the default) and the operators'
//! commands. The commands talk to PostgreSQL and Kafka directly, with the
//! serving processes' configuration; the serving processes follow what they
//! change (`projection_versions`, checkpoints, parked events) within a second.

mod args;
mod print;
mod rebuild;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use platform::config::ConfigError;
use sqlx::PgPool;

pub use args::{Cli, Command, ProjectionArg, parse, write_completions, write_man_page};

use crate::application::{StartError, serve_from_env};
use crate::config::Config;
use crate::operations::{OperationError, Operations};
use crate::parked::ReleaseError;
use crate::registry::{UnknownProjection, registry};
use crate::reset::{self, ResetError};
use crate::status::{KafkaProbe, StatusError, StatusSource};
use crate::versions::VersionError;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// clap's message, usage line included.
    #[error("{0}")]
    Usage(#[from] clap::Error),
    #[error("cannot write: {0}")]
    Output(#[from] std::io::Error),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot migrate the read models: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("Kafka error: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    #[error(transparent)]
    Serve(#[from] StartError),
    #[error(transparent)]
    Version(#[from] VersionError),
    #[error(transparent)]
    Release(#[from] ReleaseError),
    #[error(transparent)]
    Reset(#[from] ResetError),
    #[error(transparent)]
    Operation(#[from] OperationError),
    #[error(transparent)]
    Status(#[from] StatusError),
    #[error(transparent)]
    UnknownProjection(#[from] UnknownProjection),
    #[error("the Kafka task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// Refused until confirmed (`--yes`).
    #[error("{0}")]
    Refused(String),
    /// The command ran but did not get where it was asked to.
    #[error("{0}")]
    Incomplete(String),
}

impl CliError {
    /// 2 for what the operator has to say differently, 1 for failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) | CliError::Refused(_) => 2,
            _ => 1,
        }
    }
}

/// The whole of a `projector` binary's `main`: runs the command line
/// (without the program name), prints what failed on stderr and returns the
/// exit status (0 done, 1 failed, 2 usage error or refused).
pub async fn main(args: Vec<String>) -> ExitCode {
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            match &error {
                // clap's own form ("error: ...", the usage, the hint), coloured on a terminal.
                CliError::Usage(usage) => {
                    let _ = usage.print();
                }
                error => eprintln!("projector: {error}"),
            }
            ExitCode::from(error.exit_code())
        }
    }
}

/// Runs the command line (without the program name).
pub async fn run(args: Vec<String>) -> Result<(), CliError> {
    let command = match parse(&args) {
        Ok(command) => command,
        // --help, help and --version: printed on stdout, exit status 0.
        Err(shown) if !shown.use_stderr() => {
            shown.print()?;
            return Ok(());
        }
        Err(usage) => return Err(usage.into()),
    };
    match command {
        Command::Serve => Ok(serve_from_env().await?),
        Command::Completions { shell } => {
            let mut out = std::io::stdout().lock();
            write_completions(shell, &mut out);
            Ok(out.flush()?)
        }
        Command::Man { command } => {
            let mut out = std::io::stdout().lock();
            write_man_page(&command, &mut out)?;
            Ok(out.flush()?)
        }
        command => {
            let context = Context::from_env().await?;
            context.execute(command).await
        }
    }
}

/// What the operator commands need: the serving configuration, the database
/// and Kafka.
struct Context {
    config: Config,
    pool: PgPool,
    operations: Operations,
}

impl Context {
    async fn from_env() -> Result<Self, CliError> {
        let config = Config::from_env()?;
        let pool = platform::postgres::connect(&config.database_url, 2).await?;
        read_model::migrations::run(&pool).await?;
        let probe = Arc::new(KafkaProbe::new(&config.kafka.brokers)?);
        let source = StatusSource::new(
            pool.clone(),
            probe,
            &config.kafka.topic_prefix,
            &config.group_prefix,
            registry().clone(),
        );
        let operations = Operations::new(
            pool.clone(),
            source,
            registry().clone(),
            &config.kafka.brokers,
        );
        Ok(Self {
            config,
            pool,
            operations,
        })
    }

    async fn execute(&self, command: Command) -> Result<(), CliError> {
        match command {
            Command::Serve | Command::Completions { .. } | Command::Man { .. } => {
                unreachable!("handled by run")
            }
            Command::Status {
                json,
                sample,
                watch,
            } => self.status(json, sample, watch).await,
            Command::Rebuild { projection, wait } => self.rebuild(&projection, wait).await,
            Command::Rollback { projection } => self.rollback(&projection).await,
            Command::Drop { projection, force } => self.drop_version(&projection, force).await,
            Command::Reset {
                projection,
                to,
                partition,
                yes,
            } => self.reset(&projection, to, partition, yes).await,
            Command::ParkedList {
                projection,
                all,
                json,
            } => self.parked_list(projection.as_deref(), all, json).await,
            Command::ParkedRetry { id } => self.parked_retry(id).await,
            Command::ParkedSkip { id, by, reason } => self.parked_skip(id, &by, &reason).await,
        }
    }

    async fn status(&self, json: bool, sample: Duration, watch: bool) -> Result<(), CliError> {
        // Two snapshots `sample` apart give the rates; watching, each
        // snapshot is the next one's previous.
        self.source().collect().await?;
        loop {
            tokio::time::sleep(sample).await;
            let snapshot = self.source().collect().await?;
            if json {
                // One JSON document per line, so a watch can be piped to jq.
                let text = if watch {
                    serde_json::to_string(&snapshot)
                } else {
                    serde_json::to_string_pretty(&snapshot)
                };
                println!("{}", text.unwrap_or_default());
            } else {
                if watch {
                    // Clear the terminal and draw from its top.
                    println!("\x1b[2J\x1b[H{}", snapshot.taken_at.to_rfc3339());
                }
                print!("{}", print::status(&snapshot));
            }
            if !watch {
                return Ok(());
            }
        }
    }

    fn source(&self) -> &StatusSource {
        self.operations.source()
    }

    async fn rebuild(&self, projection: &ProjectionArg, wait: bool) -> Result<(), CliError> {
        let rebuilding = self.operations.rebuild(&projection.name).await?;
        let started = &rebuilding.started;
        let id = &rebuilding.building;
        println!(
            "building {id} beside the live {}.v{} (consumer group {}): the query API keeps serving v{} until {id} has caught up",
            started.name,
            started.live,
            rebuilding.groups.join(", "),
            started.live
        );
        if !wait {
            println!(
                "the projectors switch to it once its lag is at most {} (PROJECTOR_SWITCH_MAX_LAG); follow it with: projector status",
                self.config.switch_max_lag
            );
            return Ok(());
        }
        rebuild::follow(self.source(), id).await
    }

    async fn rollback(&self, projection: &ProjectionArg) -> Result<(), CliError> {
        let name = &projection.name;
        let switched = self.operations.rollback(name, projection.version).await?;
        println!(
            "the query API serves {name}.v{} again; {name}.v{} is on standby, kept up to date until it is dropped (projector drop {name}.v{})",
            switched.to, switched.from, switched.from
        );
        Ok(())
    }

    async fn drop_version(&self, projection: &ProjectionArg, force: bool) -> Result<(), CliError> {
        println!("dropping: waiting for the projectors to stop consuming it");
        let dropped = self
            .operations
            .drop_version(&projection.name, projection.version, force)
            .await?;
        for group in &dropped.groups_left {
            eprintln!("could not delete the consumer group {group}");
        }
        println!(
            "{} ({}) is dropped: deleted its tables, checkpoints, parked events and consumer group",
            dropped.dropped, dropped.was
        );
        Ok(())
    }

    async fn reset(
        &self,
        projection: &ProjectionArg,
        to: reset::ResetTo,
        partition: Option<i32>,
        yes: bool,
    ) -> Result<(), CliError> {
        let name = projection.name.as_str();
        let topics = self.source().topics_of(name)?;
        let version = match projection.version {
            Some(version) => version,
            None => read_model::versions::live_version(&self.pool, name)
                .await?
                .ok_or_else(|| VersionError::NoLiveVersion {
                    name: name.to_owned(),
                })?,
        };
        let id = format!("{name}.v{version}");
        // A projection of several topics is reset on each of them alike.
        let mut plans = Vec::with_capacity(topics.len());
        for topic in &topics {
            let plan =
                reset::plan(&self.pool, self.source().probe(), &id, topic, to, partition).await?;
            print!("{}", print::reset_plan(&plan));
            plans.push(plan);
        }
        if plans.iter().all(|plan| plan.moves.is_empty()) {
            return Ok(());
        }
        if !yes {
            return Err(CliError::Refused(
                "nothing changed: re-run with --yes to move these checkpoints back".into(),
            ));
        }
        for plan in plans.iter().filter(|plan| !plan.moves.is_empty()) {
            let moved = reset::execute(&self.pool, plan).await?;
            println!(
                "moved back the checkpoints of {} partitions {moved:?}: the projectors re-apply from there within a second",
                plan.topic
            );
        }
        Ok(())
    }

    async fn parked_list(
        &self,
        projection: Option<&str>,
        all: bool,
        json: bool,
    ) -> Result<(), CliError> {
        let events = self.operations.parked(projection, all).await?;
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&events).unwrap_or_default()
            );
        } else {
            print!("{}", print::parked(&events));
        }
        Ok(())
    }

    async fn parked_retry(&self, id: i64) -> Result<(), CliError> {
        let released = self.operations.retry_parked(id).await?;
        print!("{}", print::released(&released));
        if released.unparked() {
            Ok(())
        } else {
            Err(CliError::Incomplete(
                "the stream is still parked: fix the cause (e.g. deploy a version that can read the event) and retry, or skip it".into(),
            ))
        }
    }

    async fn parked_skip(&self, id: i64, by: &str, reason: &str) -> Result<(), CliError> {
        let released = self.operations.skip_parked(id, by, reason).await?;
        print!("{}", print::released(&released));
        if released.unparked() {
            Ok(())
        } else {
            Err(CliError::Incomplete(
                "skipped, but a later event of the stream still cannot be applied and stays parked"
                    .into(),
            ))
        }
    }
}
