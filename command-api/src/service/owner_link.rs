use std::future::Future;

/// How the service hands a command to the instance that owns its partition.
/// The transport is the caller's (the HTTP layer forwards the request), so
/// the service knows only that the owner answered, or could not.
pub trait OwnerLink {
    /// The owner's answer, passed back to the caller as it is.
    type Answer;

    /// `None` when the owner could not take the command (unreachable, or no
    /// longer the owner), so routing is re-read and the command retried.
    fn send_to(&self, owner_url: &str) -> impl Future<Output = Option<Self::Answer>>;
}
