//! The command API: HTTP commands decided against each aggregate's current
//! state and appended to Kafka by the single writer of the stream's partition.
//! See ARCHITECTURE.md for the guarantees and how they are achieved.

pub mod command_context;
pub mod config;
pub mod http;
pub mod ownership;
pub mod rejection;
pub mod schema_registry;
pub mod service;
pub mod writer;

mod application;

pub use application::{
    Application, CommandApi, CommandApiBuilder, Registration, StartError, registration,
    serve_from_env,
};
pub use config::Config;
