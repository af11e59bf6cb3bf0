use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::wire::WireValue;
use crate::{CommandMetadata, DecodeError, DomainEvent, occurred_at};

/// The wire format of every event on Kafka (schema `envelope.v1`): the event's `data`
/// plus everything needed to order, deduplicate, trace and route it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// UUIDv7, so ids sort by creation time.
    pub event_id: Uuid,
    /// E.g. `"TaskCreated"`.
    pub event_type: String,
    pub schema_version: u32,
    /// E.g. `"task"`.
    pub stream_type: String,
    pub stream_id: Uuid,
    /// 1-based, contiguous per stream.
    pub version: u64,
    /// RFC 3339 UTC with `Z`, microsecond precision.
    #[serde(with = "occurred_at")]
    pub occurred_at: DateTime<Utc>,
    /// The `Idempotency-Key` when given, else a UUIDv7 string.
    pub command_id: String,
    pub correlation_id: String,
    pub causation_id: String,
    pub actor: String,
    pub tenant_id: String,
    pub data: serde_json::Value,
}

impl Envelope {
    /// Wraps a freshly decided event. `event_id` is a new UUIDv7; `occurred_at` is
    /// truncated to microseconds so the envelope round-trips through JSON unchanged.
    pub fn new<E: DomainEvent>(
        event: &E,
        stream_type: &str,
        stream_id: Uuid,
        version: u64,
        meta: &CommandMetadata,
        occurred_at: DateTime<Utc>,
    ) -> Self {
        Self {
            event_id: Uuid::now_v7(),
            event_type: event.event_type().to_owned(),
            schema_version: event.schema_version(),
            stream_type: stream_type.to_owned(),
            stream_id,
            version,
            occurred_at: occurred_at::truncate_to_micros(occurred_at),
            command_id: meta.command_id.clone(),
            correlation_id: meta.correlation_id.clone(),
            causation_id: meta.causation_id.clone(),
            actor: meta.actor.clone(),
            tenant_id: meta.tenant_id.clone(),
            data: event.data(),
        }
    }

    /// Decodes the event, upcasting older schema versions to the current one.
    pub fn decode<E: DomainEvent>(&self) -> Result<E, DecodeError> {
        E::decode(&self.event_type, self.schema_version, &self.data)
    }

    pub fn to_json_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self)
            .expect("an envelope always serializes: string keys, no fallible fields")
    }

    /// Plain JSON only; record values read from Kafka go through [`Self::from_wire_bytes`].
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        serde_json::from_slice(bytes).map_err(|error| DecodeError::MalformedEnvelope {
            message: error.to_string(),
        })
    }

    /// Decodes a Kafka record value in either encoding a producer may have used:
    /// plain JSON, or the Confluent schema registry framing around the same JSON
    /// (see [`crate::wire`]). The schema id is not needed here: the envelope names
    /// its own event type and version.
    pub fn from_wire_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        Self::from_json_bytes(WireValue::parse(bytes)?.json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::TaskEvent;

    fn meta() -> CommandMetadata {
        CommandMetadata {
            command_id: "cmd-1".into(),
            correlation_id: "corr-1".into(),
            causation_id: "cause-1".into(),
            actor: "alice".into(),
            tenant_id: "acme".into(),
        }
    }

    fn renamed() -> TaskEvent {
        TaskEvent::Renamed {
            title: "Write docs".into(),
        }
    }

    #[test]
    fn new_copies_event_and_metadata() {
        let stream_id = Uuid::now_v7();
        let at = "2024-05-01T12:34:56.123456789Z".parse().unwrap();
        let envelope = Envelope::new(&renamed(), "task", stream_id, 3, &meta(), at);

        assert_eq!(envelope.event_id.get_version_num(), 7);
        assert_eq!(envelope.event_type, "TaskRenamed");
        assert_eq!(envelope.schema_version, 1);
        assert_eq!(envelope.stream_type, "task");
        assert_eq!(envelope.stream_id, stream_id);
        assert_eq!(envelope.version, 3);
        assert_eq!(envelope.command_id, "cmd-1");
        assert_eq!(envelope.correlation_id, "corr-1");
        assert_eq!(envelope.causation_id, "cause-1");
        assert_eq!(envelope.actor, "alice");
        assert_eq!(envelope.tenant_id, "acme");
        assert_eq!(envelope.data, serde_json::json!({ "title": "Write docs" }));
        assert_eq!(envelope.decode::<TaskEvent>().unwrap(), renamed());
    }

    #[test]
    fn occurred_at_is_rfc3339_utc_with_z_and_micros() {
        let at = "2024-05-01T14:34:56.123456789+02:00".parse().unwrap();
        let envelope = Envelope::new(&renamed(), "task", Uuid::nil(), 1, &meta(), at);

        let json: serde_json::Value = serde_json::from_slice(&envelope.to_json_bytes()).unwrap();

        assert_eq!(json["occurred_at"], "2024-05-01T12:34:56.123456Z");
    }

    #[test]
    fn wire_format_is_stable() {
        let text = r#"{
            "event_id": "01890a5d-ac96-774b-bcce-b302099a8057",
            "event_type": "TaskRenamed",
            "schema_version": 1,
            "stream_type": "task",
            "stream_id": "01890a5d-ac96-774b-bcce-b302099a8058",
            "version": 2,
            "occurred_at": "2024-05-01T12:34:56.000001Z",
            "command_id": "cmd-1",
            "correlation_id": "corr-1",
            "causation_id": "cause-1",
            "actor": "alice",
            "tenant_id": "acme",
            "data": { "title": "Write docs" }
        }"#;

        let envelope = Envelope::from_json_bytes(text.as_bytes()).unwrap();
        let reencoded: serde_json::Value =
            serde_json::from_slice(&envelope.to_json_bytes()).unwrap();

        assert_eq!(
            reencoded,
            serde_json::from_str::<serde_json::Value>(text).unwrap()
        );
        assert_eq!(envelope.decode::<TaskEvent>().unwrap(), renamed());
    }

    #[test]
    fn from_json_bytes_rejects_garbage_and_unknown_fields() {
        assert!(matches!(
            Envelope::from_json_bytes(b"not json"),
            Err(DecodeError::MalformedEnvelope { .. })
        ));

        let envelope = Envelope::new(&renamed(), "task", Uuid::nil(), 1, &meta(), Utc::now());
        let mut json: serde_json::Value =
            serde_json::from_slice(&envelope.to_json_bytes()).unwrap();
        json["extra"] = serde_json::json!(1);

        assert!(matches!(
            Envelope::from_json_bytes(&serde_json::to_vec(&json).unwrap()),
            Err(DecodeError::MalformedEnvelope { .. })
        ));
    }

    #[test]
    fn from_wire_bytes_reads_plain_and_framed_json() {
        let envelope = Envelope::new(&renamed(), "task", Uuid::nil(), 1, &meta(), Utc::now());
        let json = envelope.to_json_bytes();
        let mut framed = vec![crate::wire::MAGIC_BYTE, 0, 0, 1, 42];
        framed.extend_from_slice(&json);

        assert_eq!(Envelope::from_wire_bytes(&json).as_ref(), Ok(&envelope));
        assert_eq!(Envelope::from_wire_bytes(&framed).as_ref(), Ok(&envelope));
        // The strict reader still refuses the framing: it is not JSON.
        assert!(Envelope::from_json_bytes(&framed).is_err());
    }

    #[test]
    fn from_wire_bytes_rejects_a_truncated_frame_and_garbage_after_it() {
        assert!(matches!(
            Envelope::from_wire_bytes(&[0, 0, 1]),
            Err(DecodeError::MalformedEnvelope { .. })
        ));
        assert!(matches!(
            Envelope::from_wire_bytes(b"\0\0\0\0\x07not json"),
            Err(DecodeError::MalformedEnvelope { .. })
        ));
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;
        use crate::testing::{command_metadata, occurred_at, task_envelope, task_event};

        proptest! {
            #[test]
            fn json_round_trip_is_lossless(envelope in task_envelope()) {
                let bytes = envelope.to_json_bytes();
                prop_assert_eq!(Envelope::from_json_bytes(&bytes), Ok(envelope));
            }

            #[test]
            fn framed_round_trip_is_lossless(envelope in task_envelope(), schema_id: u32) {
                let mut framed = vec![crate::wire::MAGIC_BYTE];
                framed.extend_from_slice(&schema_id.to_be_bytes());
                framed.extend_from_slice(&envelope.to_json_bytes());
                let value = crate::wire::WireValue::parse(&framed).unwrap();
                prop_assert_eq!(value.schema_id, Some(schema_id));
                prop_assert_eq!(Envelope::from_wire_bytes(&framed), Ok(envelope));
            }

            #[test]
            fn the_wrapped_event_comes_back_out(
                event in task_event(),
                meta in command_metadata(),
                at in occurred_at(),
            ) {
                let envelope = Envelope::new(&event, "task", Uuid::now_v7(), 1, &meta, at);
                let from_wire = Envelope::from_json_bytes(&envelope.to_json_bytes()).unwrap();
                prop_assert_eq!(from_wire.decode::<TaskEvent>(), Ok(event));
                prop_assert!(from_wire.occurred_at <= at);
                prop_assert!(at - from_wire.occurred_at < chrono::TimeDelta::microseconds(1));
            }
        }
    }
}
