//! Rebuild, rollback and drop of projection versions.

use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions};
use rdkafka::client::DefaultClientContext;
use read_model::versions::Role;
use serde::Serialize;

use super::{OperationError, Operations};
use crate::versions::{self, RebuildStarted, Switched, TopicPartitions};

/// How long a drop waits for the projectors to stop consuming the version.
const DROP_WAIT: Duration = Duration::from_secs(30);

/// A rebuild that has started.
#[derive(Debug, Clone, Serialize)]
pub struct Rebuilding {
    #[serde(flatten)]
    pub started: RebuildStarted,
    /// The version being built, `tasks.v3`.
    pub building: String,
    /// Its consumer groups, one per topic it reads.
    pub groups: Vec<String>,
}

/// A version that is gone, with its tables, checkpoints and parked events.
#[derive(Debug, Clone, Serialize)]
pub struct DroppedVersion {
    /// `tasks.v1`.
    pub dropped: String,
    /// What it was before.
    pub was: Role,
    /// Consumer groups that could not be deleted (they expire on their own).
    pub groups_left: Vec<String>,
}

impl Operations {
    /// Starts building version max+1 of `name` beside the live one; the
    /// serving projectors pick it up within a second and switch the query
    /// API to it once it has caught up.
    pub async fn rebuild(&self, name: &str) -> Result<Rebuilding, OperationError> {
        let registered = self.registry.get(name)?;
        let started = versions::start_rebuild(&self.pool, registered.name(), |version| {
            registered.tables(version)
        })
        .await?;
        let building = format!("{}.v{}", started.name, started.version);
        let groups = self.source.groups_of(&building)?;
        Ok(Rebuilding {
            started,
            building,
            groups,
        })
    }

    /// Switches the query API to `version` of `name`, or when `None` back
    /// to the standby version that was live last.
    pub async fn rollback(
        &self,
        name: &str,
        version: Option<u32>,
    ) -> Result<Switched, OperationError> {
        self.registry.get(name)?;
        let topics = self.partitions_of(name).await?;
        Ok(match version {
            Some(version) => versions::switch_to(&self.pool, name, &topics, version).await?,
            None => versions::switch_back(&self.pool, name, &topics).await?,
        })
    }

    /// Drops a version that is not live (`None`: the only standby one),
    /// waits for the projectors to stop consuming it, then deletes its
    /// tables, checkpoints, parked events and consumer groups.
    pub async fn drop_version(
        &self,
        name: &str,
        version: Option<u32>,
        force: bool,
    ) -> Result<DroppedVersion, OperationError> {
        let registered = self.registry.get(name)?;
        let name = registered.name();
        let dropped = versions::drop_version(&self.pool, name, version, force).await?;
        let id = format!("{name}.v{}", dropped.version);
        let groups = self.source.groups_of(&id)?;
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
        let mut groups_left = Vec::new();
        for group in groups {
            if let Err(error) = self.delete_group(&group).await {
                tracing::warn!(group, %error, "could not delete the consumer group of a dropped version");
                groups_left.push(group);
            }
        }
        Ok(DroppedVersion {
            dropped: id,
            was: dropped.was,
            groups_left,
        })
    }

    async fn partitions_of(&self, name: &str) -> Result<Vec<TopicPartitions>, OperationError> {
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

    /// The supervisors stop a dropped version's workers within a second;
    /// dropping its tables earlier would only make their last batch fail
    /// and be retried until they stop.
    async fn wait_for_empty_group(&self, group: &str) {
        let deadline = tokio::time::Instant::now() + DROP_WAIT;
        loop {
            let probe = self.source.probe();
            let asked = group.to_owned();
            let members = tokio::task::spawn_blocking(move || probe.group_members(&asked)).await;
            match members {
                Ok(Ok(0)) => return,
                _ if tokio::time::Instant::now() >= deadline => {
                    tracing::warn!(
                        group,
                        "the group still has members after {DROP_WAIT:?}; dropping its tables anyway"
                    );
                    return;
                }
                _ => tokio::time::sleep(Duration::from_millis(250)).await,
            }
        }
    }

    async fn delete_group(&self, group: &str) -> Result<(), rdkafka::error::KafkaError> {
        let admin: AdminClient<DefaultClientContext> =
            platform::kafka::client_config(&self.brokers).create()?;
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
}
