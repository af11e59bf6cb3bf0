//! The command API against the real local Kafka: what it appends, and that it
//! stays correct under concurrency, retries, restarts and a killed instance.

mod bad_input;
mod concurrency;
mod envelope;
mod failover;
mod fencing;
mod idempotency;
mod projects;
mod restart;
mod shutdown;
mod snapshots;
mod standby;
mod state_store;
