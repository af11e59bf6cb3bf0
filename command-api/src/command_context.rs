//! What a command carries besides its own fields: who sends it, for which
//! tenant, with which idempotency key and expected version. Built by the HTTP
//! layer from the verified caller and the headers; nothing here is HTTP.

use events::CommandMetadata;
use uuid::Uuid;

use crate::writer::ExpectedVersion;

#[derive(Debug, Clone)]
pub struct CommandContext {
    pub tenant_id: String,
    pub actor: String,
    pub correlation_id: String,
    pub idempotency_key: Option<String>,
    pub expected_version: ExpectedVersion,
    /// The command was already handed on once by another instance, so this
    /// instance must decide it itself or give up, never hand it on again.
    pub forwarded: bool,
}

impl CommandContext {
    /// The envelope metadata. A keyed command's id is its key, so the key
    /// travels in the log and retries are recognised after a restart.
    pub fn metadata(&self) -> CommandMetadata {
        let command_id = self
            .idempotency_key
            .clone()
            .unwrap_or_else(|| Uuid::now_v7().to_string());
        CommandMetadata {
            causation_id: command_id.clone(),
            command_id,
            correlation_id: self.correlation_id.clone(),
            actor: self.actor.clone(),
            tenant_id: self.tenant_id.clone(),
        }
    }
}
