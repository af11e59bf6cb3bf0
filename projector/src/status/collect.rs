//! Taking a status snapshot: versions, checkpoints and parked events from
//! PostgreSQL, high watermarks and group members from Kafka, rates from the
//! difference with the previous snapshot.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::Utc;
use read_model::process_managers::commands;
use read_model::versions::{self, Role};
use read_model::{checkpoint, parked};
use sqlx::PgPool;

use super::progress::{catch_up_seconds, rate};
use super::{KafkaProbe, PartitionStatus, State, StatusSnapshot, VersionStatus};
use crate::projection::Kind;
use crate::registry::{Registry, UnknownProjection};

#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    UnknownProjection(#[from] UnknownProjection),
}

/// Sums remembered from the previous snapshot, for the rates.
struct Sample {
    at: Instant,
    /// Per projection id, the sum of its checkpoints.
    applied: HashMap<String, i64>,
    /// Per projection id, the sum of the high watermarks of its topics.
    log: HashMap<String, i64>,
}

pub struct StatusSource {
    pool: PgPool,
    probe: Arc<KafkaProbe>,
    topic_prefix: String,
    group_prefix: String,
    registry: Arc<Registry>,
    previous: Mutex<Option<Sample>>,
}

/// What Kafka said, when it answered.
struct KafkaView {
    high_watermarks: HashMap<String, BTreeMap<i32, i64>>,
    members: HashMap<String, usize>,
}

impl StatusSource {
    pub fn new(
        pool: PgPool,
        probe: Arc<KafkaProbe>,
        topic_prefix: &str,
        group_prefix: &str,
        registry: Arc<Registry>,
    ) -> Self {
        Self {
            pool,
            probe,
            topic_prefix: topic_prefix.to_owned(),
            group_prefix: group_prefix.to_owned(),
            registry,
            previous: Mutex::new(None),
        }
    }

    /// The topics projection `name` reads.
    pub fn topics_of(&self, name: &str) -> Result<Vec<String>, UnknownProjection> {
        Ok(self
            .registry
            .get(name)?
            .topic_names()
            .iter()
            .map(|topic_name| format!("{}{topic_name}", self.topic_prefix))
            .collect())
    }

    /// The consumer groups of projection version `projection` (`tasks.v2`),
    /// one per topic (see [`crate::engine::group_name`]).
    pub fn groups_of(&self, projection: &str) -> Result<Vec<String>, UnknownProjection> {
        let name = projection
            .rsplit_once(".v")
            .map_or(projection, |(name, _)| name);
        let topic_names = self.registry.get(name)?.topic_names();
        Ok(topic_names
            .iter()
            .map(|topic_name| {
                crate::engine::group_name(&self.group_prefix, projection, topic_names, topic_name)
            })
            .collect())
    }

    pub fn probe(&self) -> Arc<KafkaProbe> {
        self.probe.clone()
    }

    /// A snapshot of every version not dropped. Rates compare with the
    /// previous call (none on the first).
    pub async fn collect(&self) -> Result<StatusSnapshot, StatusError> {
        // Versions of projections this registry does not hold are another
        // projector binary's to report.
        let mut versions = versions::list(&self.pool).await?;
        versions.retain(|version| self.registry.get(&version.name).is_ok());
        let mut checkpoints: HashMap<(String, String), BTreeMap<i32, i64>> = HashMap::new();
        for moved in checkpoint::all(&self.pool).await? {
            checkpoints
                .entry((moved.projection, moved.topic))
                .or_default()
                .insert(moved.partition, moved.next_offset);
        }
        let parked = parked::waiting_by_projection(&self.pool).await?;
        let pending = commands::pending_by_process_manager(&self.pool).await?;
        let mut topics = BTreeSet::new();
        let mut groups = Vec::new();
        for version in &versions {
            topics.extend(self.topics_of(&version.name)?);
            groups.extend(self.groups_of(&version.id())?);
        }
        let kafka = self.ask_kafka(topics.into_iter().collect(), groups).await;
        let now = Instant::now();

        let previous = self
            .previous
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        let seconds = previous.as_ref().map_or(0.0, |previous| {
            now.duration_since(previous.at).as_secs_f64()
        });
        let mut sample = Sample {
            at: now,
            applied: HashMap::new(),
            log: HashMap::new(),
        };
        let mut statuses = Vec::with_capacity(versions.len());
        for version in &versions {
            let id = version.id();
            let topics = self.topics_of(&version.name)?;
            let groups = self.groups_of(&id)?;
            let mut partitions = Vec::new();
            let mut watermarks_known = kafka.is_some();
            let mut log_sum = 0;
            for topic in &topics {
                let stored = checkpoints
                    .get(&(id.clone(), topic.clone()))
                    .cloned()
                    .unwrap_or_default();
                let high = kafka.as_ref().and_then(|k| k.high_watermarks.get(topic));
                watermarks_known &= high.is_some();
                log_sum += high.map_or(0, |high| high.values().sum::<i64>());
                partitions.extend(partition_statuses(topic, &stored, high));
            }
            let lag =
                watermarks_known.then(|| partitions.iter().filter_map(|p| p.lag).sum::<i64>());
            let applied_sum: i64 = partitions.iter().filter_map(|p| p.checkpoint).sum();
            let log_sum: Option<i64> = watermarks_known.then_some(log_sum);
            sample.applied.insert(id.clone(), applied_sum);
            if let Some(log_sum) = log_sum {
                sample.log.insert(id.clone(), log_sum);
            }
            let events_per_second = previous
                .as_ref()
                .and_then(|previous| rate(*previous.applied.get(&id)?, applied_sum, seconds));
            let growth = previous
                .as_ref()
                .and_then(|previous| rate(*previous.log.get(&id)?, log_sum?, seconds));
            let catch_up = match (lag, events_per_second, growth) {
                (Some(lag), Some(applied), Some(growth)) => catch_up_seconds(lag, applied, growth),
                (Some(0), _, _) => Some(0.0),
                _ => None,
            };
            let consumers = kafka.as_ref().and_then(|k| {
                groups
                    .iter()
                    .map(|group| k.members.get(group).copied())
                    .collect::<Option<Vec<usize>>>()?
                    .into_iter()
                    .min()
            });
            let parked_events = parked.get(&id).copied().unwrap_or(0);
            let kind = self.registry.get(&version.name)?.kind();
            let pending_commands = (kind == Kind::ProcessManager)
                .then(|| pending.get(&version.name).copied().unwrap_or(0));
            statuses.push(VersionStatus {
                projection: id,
                name: version.name.clone(),
                kind,
                version: version.version,
                role: version.role,
                state: State::of(version.role, consumers, parked_events),
                serving: version.role == Role::Live,
                topic: topics[0].clone(),
                topics,
                group: groups[0].clone(),
                groups,
                consumers,
                parked_events,
                pending_commands,
                lag,
                events_per_second,
                catch_up_seconds: catch_up,
                partitions,
            });
        }
        *self
            .previous
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(sample);
        Ok(StatusSnapshot {
            taken_at: Utc::now(),
            versions: statuses,
        })
    }

    /// `None` when Kafka cannot be asked: the status then shows what
    /// PostgreSQL knows, without watermarks, lags or consumers.
    async fn ask_kafka(&self, topics: Vec<String>, groups: Vec<String>) -> Option<KafkaView> {
        let probe = self.probe.clone();
        let asked = tokio::task::spawn_blocking(move || {
            let mut view = KafkaView {
                high_watermarks: HashMap::new(),
                members: HashMap::new(),
            };
            for topic in topics {
                let high = probe.high_watermarks(&topic)?;
                view.high_watermarks.insert(topic, high);
            }
            for group in groups {
                let members = probe.group_members(&group)?;
                view.members.insert(group, members);
            }
            Ok::<_, rdkafka::error::KafkaError>(view)
        })
        .await;
        match asked {
            Ok(Ok(view)) => Some(view),
            Ok(Err(error)) => {
                tracing::warn!(%error, "cannot read the high watermarks or the groups from Kafka");
                None
            }
            Err(error) => {
                tracing::warn!(%error, "the Kafka status task failed");
                None
            }
        }
    }
}

/// Every partition the log or the checkpoints know, with its lag.
fn partition_statuses(
    topic: &str,
    stored: &BTreeMap<i32, i64>,
    high: Option<&BTreeMap<i32, i64>>,
) -> Vec<PartitionStatus> {
    let mut partitions: BTreeSet<i32> = stored.keys().copied().collect();
    if let Some(high) = high {
        partitions.extend(high.keys().copied());
    }
    partitions
        .into_iter()
        .map(|partition| {
            let checkpoint = stored.get(&partition).copied();
            let high_watermark = high.and_then(|high| high.get(&partition).copied());
            PartitionStatus {
                topic: topic.to_owned(),
                partition,
                checkpoint,
                high_watermark,
                lag: high_watermark.map(|high| (high - checkpoint.unwrap_or(0)).max(0)),
            }
        })
        .collect()
}
