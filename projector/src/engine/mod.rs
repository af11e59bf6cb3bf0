//! The machinery every projection shares: a consumer-group member on its own
//! thread that seeks to the stored checkpoints, cuts the stream into bounded
//! batches and applies each batch (parking what cannot be applied) and its
//! checkpoints in one transaction.

pub mod apply;
pub mod batch;
mod context;
mod isolate;
pub mod metrics;
pub mod routing;
mod state;
mod worker;

pub use state::{PartitionReport, StatusReport, WorkerState};
pub use worker::{SpawnError, WorkerHandle, WorkerSettings, spawn};
