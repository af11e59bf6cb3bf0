//! The serving process's supervisor. Every second it makes the running
//! workers match `projection_versions` (a worker for every version being
//! built, live or on standby; none for dropped ones), takes a status
//! snapshot for `GET /v1/projections` and the metrics, and switches the
//! query API to a version being built once its lag is under
//! `PROJECTOR_SWITCH_MAX_LAG` (and it has no more parked events than the
//! live version). The CLI only writes `projection_versions`:
//! every projector process follows it, so a rebuild is consumed by all of
//! them, sharing the partitions as the live version is.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use read_model::versions::Role;
use sqlx::PgPool;

use crate::config::Config;
use crate::engine::{self, WorkerHandle, WorkerSettings, WorkerState};
use crate::registry::{RegisteredProjection, Registry, UnknownProjection};
use crate::status::{KafkaProbe, MetricsPublisher, StatusSnapshot, StatusSource};
use crate::versions::{self, VersionError};

const TICK: Duration = Duration::from_secs(1);

#[derive(Debug, thiserror::Error)]
pub enum SupervisorError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot create the Kafka client: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    #[error("cannot provision the events topic: {0}")]
    Topic(#[from] platform::kafka::TopicError),
    #[error("cannot start a projection worker: {0}")]
    Worker(#[from] engine::SpawnError),
    #[error(transparent)]
    UnknownProjection(#[from] UnknownProjection),
}

/// What the HTTP side reads: this process's workers and the last snapshot.
#[derive(Default)]
pub struct Shared {
    pub workers: RwLock<BTreeMap<String, Arc<WorkerState>>>,
    pub status: RwLock<Option<StatusSnapshot>>,
}

impl Shared {
    pub fn workers(&self) -> Vec<Arc<WorkerState>> {
        self.workers
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .values()
            .cloned()
            .collect()
    }

    pub fn status(&self) -> Option<StatusSnapshot> {
        self.status
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

pub struct Supervisor {
    config: Config,
    registry: Arc<Registry>,
    port: u16,
    pool: PgPool,
    source: StatusSource,
    workers: BTreeMap<String, WorkerHandle>,
    shared: Arc<Shared>,
    publisher: MetricsPublisher,
}

impl Supervisor {
    /// Starts the workers of every version to consume and takes a first
    /// snapshot, so the process serves its full status from the start.
    pub async fn start(
        config: Config,
        registry: Arc<Registry>,
        port: u16,
        pool: PgPool,
    ) -> Result<Self, SupervisorError> {
        for name in registry.names() {
            read_model::versions::ensure_registered(&pool, name).await?;
        }
        let probe = Arc::new(KafkaProbe::new(&config.kafka.brokers)?);
        let source = StatusSource::new(
            pool.clone(),
            probe,
            &config.kafka.topic_prefix,
            &config.group_prefix,
            registry.clone(),
        );
        let mut supervisor = Self {
            config,
            registry,
            port,
            pool,
            source,
            workers: BTreeMap::new(),
            shared: Arc::new(Shared::default()),
            publisher: MetricsPublisher::default(),
        };
        supervisor.reconcile().await?;
        supervisor.observe().await;
        Ok(supervisor)
    }

    pub fn shared(&self) -> Arc<Shared> {
        self.shared.clone()
    }

    /// Supervises until `stop` changes; returns itself for [`Self::shutdown`].
    pub async fn run(mut self, mut stop: tokio::sync::watch::Receiver<bool>) -> Self {
        let mut interval = tokio::time::interval(TICK);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        interval.tick().await;
        loop {
            tokio::select! {
                _ = interval.tick() => {
                    if let Err(error) = self.reconcile().await {
                        tracing::error!(%error, "cannot bring the workers in line with the projection versions");
                    }
                    self.observe().await;
                }
                _ = stop.changed() => break,
            }
        }
        self
    }

    /// Stops every worker: each finishes and commits its batch in flight and
    /// leaves its group.
    pub async fn shutdown(mut self) {
        let workers = std::mem::take(&mut self.workers);
        let stops = workers
            .into_values()
            .map(|worker| tokio::task::spawn_blocking(move || worker.stop()));
        futures::future::join_all(stops).await;
    }

    async fn reconcile(&mut self) -> Result<(), SupervisorError> {
        // One worker per consumed version and topic, keyed "<id> <topic>".
        let mut wanted: BTreeMap<String, (String, u32, String)> = BTreeMap::new();
        for version in read_model::versions::list(&self.pool).await? {
            let ours = self.registry.get(&version.name).is_ok() && self.config.runs(&version.name);
            if !version.role.is_consumed() || !ours {
                continue;
            }
            for topic in self.source.topics_of(&version.name)? {
                wanted.insert(
                    format!("{} {topic}", version.id()),
                    (version.name.clone(), version.version, topic),
                );
            }
        }
        // Workers of dropped versions stop; a worker whose thread ended is replaced.
        let finished: Vec<String> = self
            .workers
            .iter()
            .filter(|(key, worker)| !wanted.contains_key(*key) || !worker.state.lock().running)
            .map(|(key, _)| key.clone())
            .collect();
        for key in finished {
            if let Some(worker) = self.workers.remove(&key) {
                self.shared_workers().remove(&key);
                let _ = tokio::task::spawn_blocking(move || worker.stop()).await;
                tracing::info!(worker = %key, "stopped consuming");
            }
        }
        for (key, (name, version, topic)) in wanted {
            if self.workers.contains_key(&key) {
                continue;
            }
            match self.start_worker(&name, version, topic).await {
                Ok(worker) => {
                    self.shared_workers()
                        .insert(key.clone(), worker.state.clone());
                    self.workers.insert(key, worker);
                }
                Err(error) => {
                    tracing::error!(worker = %key, %error, "cannot start the worker; retrying")
                }
            }
        }
        Ok(())
    }

    fn shared_workers(
        &self,
    ) -> std::sync::RwLockWriteGuard<'_, BTreeMap<String, Arc<WorkerState>>> {
        self.shared
            .workers
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn start_worker(
        &self,
        name: &str,
        version: u32,
        topic: String,
    ) -> Result<WorkerHandle, SupervisorError> {
        let projection = self.registry.get(name)?;
        let id = format!("{name}.v{version}");
        let topic_name = topic
            .strip_prefix(&self.config.kafka.topic_prefix)
            .unwrap_or(&topic);
        let group = engine::group_name(
            &self.config.group_prefix,
            &id,
            projection.topic_names(),
            topic_name,
        );
        start_worker(projection, version, topic, group, &self.config, self.port).await
    }

    /// Takes a snapshot, publishes it, and switches to a version being built
    /// once it has caught up.
    async fn observe(&mut self) {
        let snapshot = match self.source.collect().await {
            Ok(snapshot) => snapshot,
            Err(error) => {
                tracing::warn!(%error, "cannot take the projections' status");
                return;
            }
        };
        self.publisher.publish(&snapshot);
        for building in snapshot
            .versions
            .iter()
            .filter(|v| v.role == Role::Building)
        {
            let caught_up = building
                .lag
                .is_some_and(|lag| lag <= self.config.switch_max_lag);
            // A rebuild that parks more than the live version would serve
            // less than it (a bug in the new code?): an operator looks first.
            let live_parked = snapshot
                .versions
                .iter()
                .find(|v| v.name == building.name && v.role == Role::Live)
                .map_or(0, |live| live.parked_events);
            if !caught_up || building.parked_events > live_parked {
                continue;
            }
            match versions::switch_to_building(
                &self.pool,
                &building.name,
                &building.topic_partitions(),
            )
            .await
            {
                Ok(Some(switched)) => tracing::info!(
                    projection = %switched.name,
                    from = switched.from,
                    to = switched.to,
                    "rebuild caught up: switched the query API to it"
                ),
                Ok(None) => {}
                Err(error @ VersionError::NotCaughtUp { .. }) => {
                    tracing::info!(%error, "not switching yet")
                }
                Err(error) => tracing::warn!(%error, "cannot switch to the rebuilt version"),
            }
        }
        *self
            .shared
            .status
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(snapshot);
    }
}

async fn start_worker(
    projection: &dyn RegisteredProjection,
    version: u32,
    topic: String,
    group: String,
    config: &Config,
    port: u16,
) -> Result<WorkerHandle, SupervisorError> {
    platform::kafka::ensure_topic(
        &config.kafka.brokers,
        &topic,
        config.kafka.partitions,
        config.replication,
    )
    .await?;
    let settings = WorkerSettings {
        brokers: config.kafka.brokers.clone(),
        topic: topic.clone(),
        group,
        client_id: format!(
            "projector-{}.v{version}-{topic}-{}-{port}",
            projection.name(),
            std::process::id()
        ),
        database_url: config.database_url.clone(),
        db_max_connections: config.db_max_connections,
        session_timeout: config.session_timeout,
        batch: config.batch,
    };
    Ok(projection.spawn_worker(version, settings).await?)
}
