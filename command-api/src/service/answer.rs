use crate::writer::CommandOutcome;

/// How a command that was not rejected was answered.
#[derive(Debug)]
pub enum Answer<Forwarded> {
    /// This instance's writer decided and committed it.
    Decided(CommandOutcome),
    /// The owner of its partition answered it, in the owner's own words.
    Forwarded(Forwarded),
}
