//! The query API: serves the live versions of the `tasks` and `projects`
//! read models over HTTP (each response names the version it read in
//! `X-Projection-Version`). A client that passes the position token the
//! command API returned (or several joined with commas) reads its own
//! writes: the request waits (bounded) until that version has applied every
//! position on the topics it reads.

pub mod config;
pub mod consistency;
pub mod http;
pub mod live_versions;
pub mod read_model;
pub mod store;
pub mod topics;

mod application;
pub mod mount;

pub use application::{Application, QueryApiBuilder, StartError, serve_from_env};
pub use config::Config;
pub use mount::QueryMount;
