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
use rdkafka::admin::{AdminClient, AdminOptions};
use rdkafka::client::DefaultClientContext;
use sqlx::PgPool;

pub use args::{Cli, Command, ProjectionArg, parse, write_completions, write_man_page};

use crate::application::{StartError, serve_from_env};
use crate::config::Config;
use crate::parked::ReleaseError;
use crate::projection::ParsedProjectionId;
use crate::registry::{UnknownProjection, registry};
use crate::reset::{self, ResetError};
use crate::status::{KafkaProbe, StatusError, StatusSource};
use crate::versions::{self, TopicPartitions, VersionError};

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
    source: StatusSource,
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
        Ok(Self {
            config,
            pool,
            source,
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
        self.source.collect().await?;
        loop {
            tokio::time::sleep(sample).await;
            let snapshot = self.source.collect().await?;
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

    async fn rebuild(&self, projection: &ProjectionArg, wait: bool) -> Result<(), CliError> {
        let registered = registry().get(&projection.name)?;
        let started = versions::start_rebuild(&self.pool, registered.name(), |version| {
            registered.tables(version)
        })
        .await?;
        let id = format!("{}.v{}", started.name, started.version);
        println!(
            "building {id} beside the live {}.v{} (consumer group {}): the query API keeps serving v{} until {id} has caught up",
            started.name,
            started.live,
            self.source.groups_of(&id)?.join(", "),
            started.live
        );
        if !wait {
            println!(
                "the projectors switch to it once its lag is at most {} (PROJECTOR_SWITCH_MAX_LAG); follow it with: projector status",
                self.config.switch_max_lag
            );
            return Ok(());
        }
        rebuild::follow(&self.source, &id).await
    }

    async fn partitions_of(&self, name: &str) -> Result<Vec<TopicPartitions>, CliError> {
        let mut found = Vec::new();
        for topic in self.source.topics_of(name)? {
            let probe = self.source.probe();
            let asked = topic.clone();
            let partitions =
                tokio::task::spawn_blocking(move || probe.partitions(&asked)).await??;
            found.push(TopicPartitions { topic, partitions });
        }
        Ok(found)
    }

    async fn rollback(&self, projection: &ProjectionArg) -> Result<(), CliError> {
        let name = &projection.name;
        registry().get(name)?;
        let topics = self.partitions_of(name).await?;
        let switched = match projection.version {
            Some(version) => versions::switch_to(&self.pool, name, &topics, version).await?,
            None => versions::switch_back(&self.pool, name, &topics).await?,
        };
        println!(
            "the query API serves {name}.v{} again; {name}.v{} is on standby, kept up to date until it is dropped (projector drop {name}.v{})",
            switched.to, switched.from, switched.from
        );
        Ok(())
    }

    async fn drop_version(&self, projection: &ProjectionArg, force: bool) -> Result<(), CliError> {
        let registered = registry().get(&projection.name)?;
        let name = registered.name();
        let dropped = versions::drop_version(&self.pool, name, projection.version, force).await?;
        let id = format!("{name}.v{}", dropped.version);
        let groups = self.source.groups_of(&id)?;
        println!(
            "{id} ({}) is dropped; waiting for the projectors to stop consuming it",
            dropped.was
        );
        for group in &groups {
            self.wait_for_empty_group(group).await;
        }
        versions::finish_drop(
            &self.pool,
            name,
            dropped.version,
            &registered.tables(dropped.version),
        )
        .await?;
        for group in &groups {
            if let Err(error) = self.delete_group(group).await {
                eprintln!("could not delete the consumer group {group}: {error}");
            }
        }
        println!("deleted the tables, checkpoints, parked events and consumer group of {id}");
        Ok(())
    }

    /// The supervisors stop a dropped version's workers within a second;
    /// dropping its tables earlier would only make their last batch fail
    /// and be retried until they stop.
    async fn wait_for_empty_group(&self, group: &str) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let probe = self.source.probe();
            let asked = group.to_owned();
            let members = tokio::task::spawn_blocking(move || probe.group_members(&asked)).await;
            match members {
                Ok(Ok(0)) => return,
                _ if tokio::time::Instant::now() >= deadline => {
                    eprintln!("{group} still has members after 30 s; dropping its tables anyway");
                    return;
                }
                _ => tokio::time::sleep(Duration::from_millis(250)).await,
            }
        }
    }

    async fn delete_group(&self, group: &str) -> Result<(), rdkafka::error::KafkaError> {
        let admin: AdminClient<DefaultClientContext> =
            platform::kafka::client_config(&self.config.kafka.brokers).create()?;
        let results = admin.delete_groups(&[group], &AdminOptions::new()).await?;
        for result in results {
            if let Err((_, code)) = result
                && code != rdkafka::types::RDKafkaErrorCode::GroupIdNotFound
            {
                return Err(rdkafka::error::KafkaError::AdminOp(code));
            }
        }
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
        let topics = self.source.topics_of(name)?;
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
                reset::plan(&self.pool, self.source.probe(), &id, topic, to, partition).await?;
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
        let events = read_model::parked::list(&self.pool, projection, all).await?;
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

    /// The projection id a parked event belongs to, parsed.
    async fn projection_of(&self, id: i64) -> Result<ParsedProjectionId, CliError> {
        let mut connection = self.pool.acquire().await?;
        let event = read_model::parked::get(&mut connection, id)
            .await?
            .ok_or(ReleaseError::NotFound(id))?;
        event
            .projection
            .parse()
            .map_err(|error: crate::projection::InvalidProjectionId| {
                CliError::Incomplete(error.to_string())
            })
    }

    async fn parked_retry(&self, id: i64) -> Result<(), CliError> {
        let owner = self.projection_of(id).await?;
        let released = registry()
            .get(&owner.name)?
            .retry(&self.pool, owner.version, id)
            .await?;
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
        let owner = self.projection_of(id).await?;
        let released = registry()
            .get(&owner.name)?
            .skip(&self.pool, owner.version, id, by, reason)
            .await?;
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
