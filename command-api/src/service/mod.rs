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

use crate::ownership::{Registry, RoutingTable};
use crate::rejection::Rejection;
use crate::writer::key_claims::{ClaimAction, ClaimRequest, partition_of_key};
use crate::writer::{CommandRequest, Idempotency};

pub struct CommandService<A: Aggregate> {
    pub registry: Arc<Registry<A>>,
    pub routing: Arc<RoutingTable>,
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
        let tenant_id = &submission.context.tenant_id;
        let claimed_key = match &submission.context.idempotency_key {
            Some(key) => {
                let claim = ClaimAction::Claim;
                let newly = self
                    .claim_key(tenant_id, key, submission.stream_id, claim, owner, deadline)
                    .await?;
                newly.then_some(key)
            }
            None => None,
        };
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

        // Refused for good: the key had no effect, so it stays free. (After
        // `Unavailable` the command may have been appended; the key stays.)
        let refused = match &result {
            Err(rejection) => !rejection.is_unavailable(),
            Ok(Answer::Forwarded(answer)) => L::is_refusal(answer),
            Ok(Answer::Decided(_)) => false,
        };
        if let (Some(key), true) = (claimed_key, refused) {
            let release = ClaimAction::Release;
            let deadline = Instant::now() + self.timeout;
            let released = self
                .claim_key(
                    tenant_id,
                    key,
                    submission.stream_id,
                    release,
                    owner,
                    deadline,
                )
                .await;
            if let Err(error) = released {
                tracing::warn!(%error, "the key of a refused command stays claimed");
            }
        }
        metrics::histogram!("command_api_command_duration_seconds", "command" => command_name)
            .record(started.elapsed().as_secs_f64());
        result
    }
}

impl<A: Aggregate> CommandService<A> {
    /// Binds a tenant's idempotency key to the stream (or releases it) at
    /// the writer of the key's partition, here or at its owner (see
    /// `writer::key_claims`): whether this bound it; a key another stream
    /// has gets 422. Claims are never forwarded twice: `owner` is only
    /// asked here, by the instance the client called.
    async fn claim_key<L: OwnerLink>(
        &self,
        tenant_id: &str,
        key: &str,
        stream_id: Uuid,
        action: ClaimAction,
        owner: &L,
        deadline: Instant,
    ) -> Result<bool, Rejection> {
        let partition = partition_of_key(tenant_id, key, self.partitions);
        loop {
            let here = self.claim_here(partition, tenant_id, key, stream_id, action, deadline);
            match here.await {
                Err(rejection) if rejection.is_unavailable() => {}
                decided => return decided,
            }
            if let Some(owner_url) = self.routing.owner(partition).await
                && owner_url != self.own_url
            {
                match owner.claim_at(&owner_url, stream_id, action).await {
                    Some(decided) => return decided,
                    None => self.routing.invalidate(),
                }
            }
            if Instant::now() >= deadline {
                return Err(Rejection::Unavailable { partition });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Claims (or releases) a key at this instance's writer of `partition`;
    /// `Unavailable` when this instance does not own it.
    pub async fn claim_here(
        &self,
        partition: i32,
        tenant_id: &str,
        key: &str,
        stream_id: Uuid,
        action: ClaimAction,
        deadline: Instant,
    ) -> Result<bool, Rejection> {
        let (reply, answer) = oneshot::channel();
        let request = ClaimRequest {
            tenant_id: tenant_id.to_owned(),
            key: key.to_owned(),
            stream_id,
            action,
            reply,
        };
        if self.registry.claim(partition, request).is_err() {
            return Err(Rejection::Unavailable { partition });
        }
        match tokio::time::timeout_at(deadline.into(), answer).await {
            Ok(Ok(decided)) => decided,
            _ => Err(Rejection::Unavailable { partition }),
        }
    }

    /// The partition whose writer decides a tenant's key.
    pub fn partition_of_key(&self, tenant_id: &str, key: &str) -> i32 {
        partition_of_key(tenant_id, key, self.partitions)
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
