//! The atomic switch of the version the query API serves.
//!
//! One transaction: lock the projection's version rows (one switch at a
//! time), lock the live version's checkpoint rows on every topic it reads
//! (its workers wait, so its tables stop moving), wait until the target version has reached every one
//! of those checkpoints, then move `live` to the target. The query API reads
//! the live version once per request, so each request reads one version, and
//! since the target holds everything the old version showed when it stopped
//! serving, no client sees data go back in time across the switch.

use std::time::{Duration, Instant};

use read_model::checkpoint;
use read_model::versions::{ProjectionVersion, Role, lock_all};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};

use super::VersionError;

/// The longest the live version's workers are held while the target catches
/// up its last records. A version is only switched to once its lag is under
/// the threshold, so this is normally a batch or two.
pub const BARRIER_TIMEOUT: Duration = Duration::from_secs(5);

/// The partitions of one topic a projection reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicPartitions {
    pub topic: String,
    pub partitions: Vec<i32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Switched {
    pub name: String,
    pub from: u32,
    pub to: u32,
}

/// Switches to the building version, if there is one (`None`: there is not,
/// or another projector switched first).
pub async fn switch_to_building(
    pool: &PgPool,
    name: &str,
    topics: &[TopicPartitions],
) -> Result<Option<Switched>, VersionError> {
    match switch(pool, name, topics, Target::Building).await {
        Ok(switched) => Ok(Some(switched)),
        Err(VersionError::WrongRole { .. } | VersionError::NoSuchVersion { .. }) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Rollback: switches to the standby version that stopped being live last.
pub async fn switch_back(
    pool: &PgPool,
    name: &str,
    topics: &[TopicPartitions],
) -> Result<Switched, VersionError> {
    switch(pool, name, topics, Target::LastStandby).await
}

/// Switches to a given building or standby version.
pub async fn switch_to(
    pool: &PgPool,
    name: &str,
    topics: &[TopicPartitions],
    version: u32,
) -> Result<Switched, VersionError> {
    switch(pool, name, topics, Target::Version(version)).await
}

enum Target {
    Building,
    LastStandby,
    Version(u32),
}

async fn switch(
    pool: &PgPool,
    name: &str,
    topics: &[TopicPartitions],
    target: Target,
) -> Result<Switched, VersionError> {
    let mut transaction = pool.begin().await?;
    let versions = lock_all(&mut transaction, name).await?;
    let live = versions
        .iter()
        .find(|v| v.role == Role::Live)
        .ok_or_else(|| VersionError::NoLiveVersion {
            name: name.to_owned(),
        })?;
    let target = choose(name, &versions, target)?;
    if target.version == live.version {
        return Err(VersionError::WrongRole {
            name: name.to_owned(),
            version: target.version,
            role: Role::Live,
            expected: "building or standby",
        });
    }

    // Every topic's checkpoints are frozen first, then waited for: the
    // target then holds all the live version showed, from every topic.
    let mut frozen = Vec::with_capacity(topics.len());
    for topic in topics {
        let checkpoints = checkpoint::lock(
            &mut transaction,
            &live.id(),
            &topic.topic,
            &topic.partitions,
        )
        .await?;
        frozen.push((topic.topic.as_str(), checkpoints));
    }
    for (topic, checkpoints) in &frozen {
        wait_until_reached(&mut transaction, live, target, topic, checkpoints).await?;
    }

    sqlx::query(
        "UPDATE projection_versions SET state = 'standby', retired_at = now()
         WHERE projection = $1 AND version = $2",
    )
    .bind(name)
    .bind(live.version as i32)
    .execute(&mut *transaction)
    .await?;
    sqlx::query(
        "UPDATE projection_versions SET state = 'live', live_since = now()
         WHERE projection = $1 AND version = $2",
    )
    .bind(name)
    .bind(target.version as i32)
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    tracing::info!(
        projection = name,
        from = live.version,
        to = target.version,
        "the query API now serves another version"
    );
    Ok(Switched {
        name: name.to_owned(),
        from: live.version,
        to: target.version,
    })
}

fn choose<'a>(
    name: &str,
    versions: &'a [ProjectionVersion],
    target: Target,
) -> Result<&'a ProjectionVersion, VersionError> {
    let wrong_role = |version: &ProjectionVersion, expected| VersionError::WrongRole {
        name: name.to_owned(),
        version: version.version,
        role: version.role,
        expected,
    };
    match target {
        Target::Building => versions
            .iter()
            .find(|v| v.role == Role::Building)
            .ok_or_else(|| VersionError::NoSuchVersion {
                name: name.to_owned(),
                version: 0,
            }),
        Target::LastStandby => versions
            .iter()
            .filter(|v| v.role == Role::Standby)
            .max_by_key(|v| (v.retired_at, v.version))
            .ok_or_else(|| VersionError::NothingToRollBackTo {
                name: name.to_owned(),
            }),
        Target::Version(version) => {
            let found = versions
                .iter()
                .find(|v| v.version == version)
                .ok_or_else(|| VersionError::NoSuchVersion {
                    name: name.to_owned(),
                    version,
                })?;
            match found.role {
                Role::Building | Role::Standby | Role::Live => Ok(found),
                Role::Dropped => Err(wrong_role(found, "building or standby")),
            }
        }
    }
}

/// Polls the target's checkpoints (each read sees the latest commits) until
/// every partition has reached the frozen checkpoint of the live version.
async fn wait_until_reached(
    transaction: &mut PgConnection,
    live: &ProjectionVersion,
    target: &ProjectionVersion,
    topic: &str,
    frozen: &std::collections::HashMap<i32, i64>,
) -> Result<(), VersionError> {
    let started = Instant::now();
    let partitions: Vec<i32> = frozen.keys().copied().collect();
    loop {
        let reached: std::collections::HashMap<i32, i64> = sqlx::query_as(
            "SELECT partition, next_offset FROM projection_checkpoints
             WHERE projection = $1 AND topic = $2 AND partition = ANY($3)",
        )
        .bind(target.id())
        .bind(topic)
        .bind(&partitions)
        .fetch_all(&mut *transaction)
        .await?
        .into_iter()
        .collect();
        let mut behind: Vec<i32> = frozen
            .iter()
            .filter(|(partition, next)| reached.get(partition).copied().unwrap_or(0) < **next)
            .map(|(partition, _)| *partition)
            .collect();
        if behind.is_empty() {
            return Ok(());
        }
        if started.elapsed() >= BARRIER_TIMEOUT {
            behind.sort_unstable();
            return Err(VersionError::NotCaughtUp {
                name: live.name.clone(),
                target: target.version,
                live: live.version,
                waited: BARRIER_TIMEOUT,
                behind,
            });
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
