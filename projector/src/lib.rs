//! The projector: folds the events of a Kafka topic into PostgreSQL read
//! models, one consumer group per projection version, with the consumed
//! offsets stored in the same transaction as the read-model changes so every
//! event takes effect exactly once. Events that cannot be applied are parked
//! (with the later events of their streams) instead of stopping anything;
//! versions are rebuilt beside the live one and switched to atomically. The
//! tables it writes are the `read-model` crate's. See README.md for
//! operating it.

pub mod cli;
pub mod config;
pub mod engine;
pub mod history;
pub mod http;
pub mod operations;
pub mod parked;
pub mod process;
pub mod project_archival;
pub mod projection;
pub mod projects;
pub mod raw_record;
pub mod record;
pub mod refusal;
pub mod registry;
pub mod reset;
pub mod status;
pub mod stream_versions;
pub mod supervisor;
pub mod tasks;
#[cfg(test)]
mod testing;
pub mod versions;

mod application;

pub use application::{Application, ProjectorBuilder, StartError, serve_from_env};
pub use config::Config;
pub use projection::{Projection, ProjectionId};
