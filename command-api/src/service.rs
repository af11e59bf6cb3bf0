//! Gets a command to the writer of its stream's partition: the local writer
//! when this instance owns the partition, otherwise the owner over HTTP.
//! Ownership moves during rebalances, so both paths retry until a deadline.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::HttpResponse;
use events::{Aggregate, Command};
use platform::partitioner::partition_for_key;
use platform::{ApiError, ErrorCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use uuid::Uuid;

use crate::http::forward::Forwarder;
use crate::http::request_context::RequestContext;
use crate::http::response::command_response;
use crate::key_index::KeyIndex;
use crate::ownership::{Registry, RoutingTable};
use crate::writer::{CommandRequest, Idempotency, idempotency_key_reused};

pub struct CommandService<A: Aggregate> {
    pub registry: Arc<Registry<A>>,
    pub routing: RoutingTable,
    pub forwarder: Forwarder,
    pub keys: KeyIndex,
    pub partitions: i32,
    pub own_url: String,
    pub timeout: Duration,
    pub max_body_bytes: usize,
}

/// A parsed command and what is needed to run it here or forward it.
pub struct Submission<A: Aggregate> {
    pub stream_id: Uuid,
    pub command: A::Command,
    pub context: RequestContext,
    /// The path and body to send when the owner is another instance.
    pub forward_path: String,
    pub forward_body: Value,
}

impl<A: Aggregate> CommandService<A> {
    pub fn partition_of(&self, stream_id: Uuid) -> i32 {
        partition_for_key(stream_id.to_string().as_bytes(), self.partitions)
    }

    pub async fn execute(&self, submission: Submission<A>) -> Result<HttpResponse, ApiError> {
        let started = Instant::now();
        let partition = self.partition_of(submission.stream_id);
        let command_name = submission.command.name();
        let deadline = started + self.timeout;
        if let Some(key) = &submission.context.idempotency_key
            && self
                .keys
                .stream_of(&submission.context.tenant_id, key)
                .is_some_and(|stream| stream != submission.stream_id)
        {
            return Err(idempotency_key_reused(key));
        }
        let metadata = submission.context.metadata();
        let idempotency = submission
            .context
            .idempotency_key
            .clone()
            .map(|key| Idempotency {
                key,
                fingerprint: fingerprint(&submission.command),
            });

        let result = loop {
            let (reply, answer) = oneshot::channel();
            let request = CommandRequest {
                stream_id: submission.stream_id,
                command: submission.command.clone(),
                expected_version: submission.context.expected_version,
                metadata: metadata.clone(),
                idempotency: idempotency.clone(),
                reply,
            };
            if self.registry.submit(partition, request).is_ok() {
                match tokio::time::timeout_at(deadline.into(), answer).await {
                    Ok(Ok(Ok(outcome))) => break Ok(command_response::<A>(&outcome)),
                    Ok(Ok(Err(error))) if error.code != ErrorCode::PartitionUnavailable => {
                        break Err(error);
                    }
                    _ => {}
                }
            } else if !submission.context.forwarded
                && let Some(owner) = self.routing.owner(partition).await
                && owner != self.own_url
            {
                match self.forwarder.forward(&owner, &submission).await {
                    Some(response) => break Ok(response),
                    None => self.routing.invalidate(),
                }
            }
            if Instant::now() >= deadline
                || submission.context.forwarded && !self.registry.owns(partition)
            {
                break Err(ApiError::new(
                    ErrorCode::PartitionUnavailable,
                    "no instance could take the command for this stream in time; retry",
                )
                .with_details(json!({ "partition": partition })));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };

        if let (Ok(_), Some(key)) = (&result, &submission.context.idempotency_key) {
            self.keys
                .remember(&submission.context.tenant_id, key, submission.stream_id);
        }
        metrics::histogram!("command_api_command_duration_seconds", "command" => command_name)
            .record(started.elapsed().as_secs_f64());
        result
    }
}

/// Identifies a command's content (FNV-1a over its JSON), so an
/// `Idempotency-Key` reused with a different command can be refused.
fn fingerprint<C: Command>(command: &C) -> String {
    let bytes = serde_json::to_vec(command).unwrap_or_default();
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}
