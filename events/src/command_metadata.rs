/// Who asked for a command and how it relates to other messages; copied into every
/// envelope the command produces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CommandMetadata {
    /// The `Idempotency-Key` when given, else a UUIDv7 string.
    pub command_id: String,
    pub correlation_id: String,
    pub causation_id: String,
    pub actor: String,
    pub tenant_id: String,
}
