//! The query API: serves the live version of the `tasks` read models over
//! HTTP (each response names it in `X-Projection-Version`). A client that
//! passes the position token the command API returned reads its own writes:
//! the request waits (bounded) until that version has applied that position.

pub mod config;
pub mod consistency;
pub mod http;
pub mod read_model;
pub mod store;

mod application;

pub use application::{Application, StartError, serve_from_env};
pub use config::Config;
