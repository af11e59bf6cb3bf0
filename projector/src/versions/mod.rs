//! The versions of each projection and which one the query API serves.
//! `rebuild` adds a version beside the live one, the projectors switch to it
//! once it has caught up (`switch`), `rollback` switches back to the version
//! that was live before, and `drop` removes a version that is not live.
//! (The table and its plain reads are `read_model::versions`.)

mod drop;
mod rebuild;
mod switch;
mod tables;

use read_model::versions::Role;

pub use drop::{DROP_GRACE, Dropped, drop_version, finish_drop};
pub use rebuild::{RebuildStarted, start_rebuild};
pub use switch::{
    BARRIER_TIMEOUT, Switched, TopicPartitions, switch_back, switch_to, switch_to_building,
};

#[derive(Debug, thiserror::Error)]
pub enum VersionError {
    #[error("no projection is named {0:?}")]
    UnknownProjection(String),
    #[error("{name} has no version {version}")]
    NoSuchVersion { name: String, version: u32 },
    #[error("{name} has no live version")]
    NoLiveVersion { name: String },
    #[error(
        "a rebuild of {name} is already in progress: {name}.v{version} (drop it to start over)"
    )]
    RebuildInProgress { name: String, version: u32 },
    #[error("{name}.v{version} is live: switch to another version first")]
    IsLive { name: String, version: u32 },
    #[error("{name}.v{version} is {role}, not {expected}")]
    WrongRole {
        name: String,
        version: u32,
        role: Role,
        expected: &'static str,
    },
    #[error("{name} has no standby version to roll back to")]
    NothingToRollBackTo { name: String },
    #[error("{name} has no standby version to drop (name a building one with --version)")]
    NothingToDrop { name: String },
    #[error(
        "{name} has several standby versions ({versions:?}): name the one to drop with --version"
    )]
    WhichVersion { name: String, versions: Vec<u32> },
    #[error(
        "{name}.v{version} stopped serving {seconds}s ago: queries that started before the switch may still read it; wait {DROP_GRACE:?} after a switch or pass --force"
    )]
    TooSoon {
        name: String,
        version: u32,
        seconds: i64,
    },
    #[error(
        "{name}.v{target} did not reach the checkpoints of the live {name}.v{live} within {waited:?} (behind on partitions {behind:?}); is a projector consuming it?"
    )]
    NotCaughtUp {
        name: String,
        target: u32,
        live: u32,
        waited: std::time::Duration,
        behind: Vec<i32>,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}
