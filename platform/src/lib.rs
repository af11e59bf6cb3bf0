//! Shared infrastructure for the platform's services: configuration from the
//! environment, Kafka and PostgreSQL setup, telemetry, the HTTP error contract
//! and the operational endpoints every service exposes.

pub mod auth;
pub mod config;
pub mod error;
pub mod http;
pub mod kafka;
pub mod openapi;
pub mod partitioner;
pub mod position;
pub mod postgres;
pub mod shutdown;
pub mod telemetry;

pub use config::{ConfigError, env_or, env_parse};
pub use error::{ApiError, ErrorCode};
