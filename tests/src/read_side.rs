//! Harness for the read side (projector and query API): a fresh PostgreSQL
//! database per test, the services in-process or as child processes, a plain
//! producer that writes envelopes straight into the topic, and the expected
//! read models recomputed from the topic with the `events` crate alone.

pub mod cli;
pub mod database;
pub mod model;
pub mod next_deploy;
pub mod producer;
pub mod services;
pub mod story;

use std::future::Future;
use std::time::{Duration, Instant};

/// Polls `condition` until it holds; panics with `what` after `timeout`.
/// Tests wait on the condition itself, never on a guessed duration.
pub async fn eventually<F, Fut>(timeout: Duration, what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if condition().await {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
