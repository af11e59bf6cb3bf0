//! Gets a command to the writer of its stream's partition: the local writer
//! when this instance owns the partition, otherwise the owner (through an
//! [`OwnerLink`] the caller supplies).
//! Ownership moves during rebalances, so both paths retry until a deadline.

mod answer;
mod owner_link;
mod submission;

use std::sync::Arc;
use std::time::{Duration, Instant};

use events::{Aggregate, Command};
use platform::partitioner::partition_for_key;
use tokio::sync::oneshot;
use uuid::Uuid;

pub use answer::Answer;
pub use owner_link::OwnerLink;
pub use submission::Submission;

use crate::key_index::KeyIndex;
use crate::ownership::{Registry, RoutingTable};
use crate::rejection::Rejection;
use crate::writer::{CommandRequest, Idempotency};

pub struct CommandService<A: Aggregate> {
    pub registry: Arc<Registry<A>>,
    pub routing: Arc<RoutingTable>,
    pub keys: KeyIndex,
    pub partitions: i32,
    pub own_url: String,
    pub timeout: Duration,
}

impl<A: Aggregate> CommandService<A> {
    pub fn partition_of(&self, stream_id: Uuid) -> i32 {
        partition_for_key(stream_id.to_string().as_bytes(), self.partitions)
    }

    /// Runs the command on this instance's writer when it owns the stream's
    /// partition, else hands it to the owner through `owner`; ownership moves
    /// during rebalances, so both are retried until the command timeout.
    pub async fn execute<L: OwnerLink>(
        &self,
        submission: Submission<A>,
        owner: &L,
    ) -> Result<Answer<L::Answer>, Rejection> {
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
            return Err(Rejection::IdempotencyKeyReused { key: key.clone() });
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
                    Ok(Ok(Ok(outcome))) => break Ok(Answer::Decided(outcome)),
                    Ok(Ok(Err(rejection))) if !rejection.is_unavailable() => {
                        break Err(rejection);
                    }
                    _ => {}
                }
            } else if !submission.context.forwarded
                && let Some(owner_url) = self.routing.owner(partition).await
                && owner_url != self.own_url
            {
                match owner.send_to(&owner_url).await {
                    Some(answer) => break Ok(Answer::Forwarded(answer)),
                    None => self.routing.invalidate(),
                }
            }
            if Instant::now() >= deadline
                || submission.context.forwarded && !self.registry.owns(partition)
            {
                break Err(Rejection::Unavailable { partition });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };

        // Also after a forwarded answer, whatever it was: the owner's own
        // index remembers the key there, this one here.
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
