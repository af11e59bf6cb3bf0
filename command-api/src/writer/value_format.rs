//! How an envelope becomes a record value: plain JSON, or JSON framed for a
//! Confluent-compatible schema registry (magic byte 0, the schema id as 4
//! bytes big-endian, then the JSON) when the command API registered its
//! schemas at start.

use std::sync::Arc;

use events::Envelope;
use schema_registry_converter::schema_registry_common::get_payload;

use crate::schema_registry::SchemaIds;

/// `content-type` of plain JSON values.
pub const PLAIN_JSON: &str = "application/json";
/// `content-type` of framed values. They are not valid JSON (they start with
/// 0x00), so they must not claim `application/json`; this is the media type
/// Confluent uses for its registry's JSON, and the header of the standard
/// serializers' output is absent altogether, so readers should look at the
/// first byte (`events::wire`) rather than trust any header.
pub const SCHEMA_REGISTRY_JSON: &str = "application/vnd.schemaregistry.v1+json";

#[derive(Debug, Clone, Default)]
pub enum ValueFormat {
    #[default]
    PlainJson,
    /// Framed with the id of the event's schema, resolved at start.
    SchemaRegistry(Arc<SchemaIds>),
}

/// An event whose (type, version) had no schema registered at start: the
/// schema catalog is missing an entry the domain emits (a build defect, which
/// `schemas`' tests are there to catch).
#[derive(Debug, thiserror::Error)]
#[error("no schema was registered for {event_type} v{schema_version}")]
pub struct UnregisteredEvent {
    pub event_type: String,
    pub schema_version: u32,
}

impl ValueFormat {
    pub fn content_type(&self) -> &'static str {
        match self {
            Self::PlainJson => PLAIN_JSON,
            Self::SchemaRegistry(_) => SCHEMA_REGISTRY_JSON,
        }
    }

    pub fn encode(&self, envelope: &Envelope) -> Result<Vec<u8>, UnregisteredEvent> {
        match self {
            Self::PlainJson => Ok(envelope.to_json_bytes()),
            Self::SchemaRegistry(ids) => {
                let id = ids
                    .get(&envelope.event_type, envelope.schema_version)
                    .ok_or_else(|| UnregisteredEvent {
                        event_type: envelope.event_type.clone(),
                        schema_version: envelope.schema_version,
                    })?;
                Ok(get_payload(id, envelope.to_json_bytes()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use events::task::TaskEvent;
    use events::wire::WireValue;
    use events::{CommandMetadata, Envelope};
    use uuid::Uuid;

    use super::*;

    fn envelope() -> Envelope {
        let meta = CommandMetadata {
            command_id: "c".into(),
            correlation_id: "c".into(),
            causation_id: "c".into(),
            actor: "a".into(),
            tenant_id: "t".into(),
        };
        let event = TaskEvent::Archived;
        Envelope::new(&event, "task", Uuid::now_v7(), 1, &meta, Utc::now())
    }

    #[test]
    fn plain_json_is_the_envelope() {
        let envelope = envelope();
        let bytes = ValueFormat::PlainJson.encode(&envelope).unwrap();
        assert_eq!(bytes, envelope.to_json_bytes());
    }

    #[test]
    fn framed_value_carries_the_schema_id_of_the_event() {
        let envelope = envelope();
        let mut ids = SchemaIds::default();
        ids.insert("TaskArchived", 1, 258);
        let format = ValueFormat::SchemaRegistry(Arc::new(ids));

        let bytes = format.encode(&envelope).unwrap();

        assert_eq!(&bytes[..5], &[0, 0, 0, 1, 2]);
        let value = WireValue::parse(&bytes).unwrap();
        assert_eq!(value.schema_id, Some(258));
        assert_eq!(Envelope::from_wire_bytes(&bytes).unwrap(), envelope);
    }

    #[test]
    fn an_event_without_a_registered_schema_is_refused() {
        let format = ValueFormat::SchemaRegistry(Arc::default());
        let error = format.encode(&envelope()).unwrap_err();
        assert_eq!(error.event_type, "TaskArchived");
    }
}
