use events::Aggregate;
use uuid::Uuid;

use crate::command_context::CommandContext;

/// A parsed command on its way to the writer of its stream's partition.
pub struct Submission<A: Aggregate> {
    pub stream_id: Uuid,
    pub command: A::Command,
    pub context: CommandContext,
}
