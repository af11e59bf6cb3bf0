//! Builders shared by the integration tests.

#![allow(dead_code)] // each test binary uses a different subset

use events::task::TaskEvent;
use events::{CommandMetadata, DomainEvent, Envelope};
use serde_json::Value;
use uuid::Uuid;

pub fn metadata() -> CommandMetadata {
    CommandMetadata {
        command_id: "0190f5a8-7c3e-7d2a-9c1b-2f6e8a4b5c6d".into(),
        correlation_id: "corr-1".into(),
        causation_id: "cause-1".into(),
        actor: "alice".into(),
        tenant_id: "acme".into(),
    }
}

/// The JSON an envelope around a task `event` has on the wire.
pub fn envelope_json(event: &TaskEvent) -> Value {
    envelope_json_of(event, "task")
}

/// The JSON an envelope around `event` of a `stream_type` stream has on the wire.
pub fn envelope_json_of(event: &impl DomainEvent, stream_type: &str) -> Value {
    let envelope = Envelope::new(
        event,
        stream_type,
        Uuid::now_v7(),
        1,
        &metadata(),
        chrono::Utc::now(),
    );
    serde_json::from_slice(&envelope.to_json_bytes()).expect("envelopes are JSON")
}
