use std::future::Future;

use uuid::Uuid;

use crate::rejection::Rejection;
use crate::writer::key_claims::ClaimAction;

/// How the service hands a command to the instance that owns its partition.
/// The transport is the caller's (the HTTP layer forwards the request), so
/// the service knows only that the owner answered, or could not.
pub trait OwnerLink {
    /// The owner's answer, passed back to the caller as it is.
    type Answer;

    /// `None` when the owner could not take the command (unreachable, or no
    /// longer the owner), so routing is re-read and the command retried.
    fn send_to(&self, owner_url: &str) -> impl Future<Output = Option<Self::Answer>>;

    /// Whether the owner's answer refused the command for good (the
    /// equivalent of a rejection other than `Unavailable`).
    fn is_refusal(answer: &Self::Answer) -> bool;

    /// Claims (or releases) the command's idempotency key for `stream_id` at
    /// the instance that owns the key's partition: whether this bound the
    /// key; `None` as for [`OwnerLink::send_to`].
    fn claim_at(
        &self,
        owner_url: &str,
        stream_id: Uuid,
        action: ClaimAction,
    ) -> impl Future<Output = Option<Result<bool, Rejection>>>;
}
