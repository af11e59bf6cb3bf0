use std::time::Duration;

use schema_registry_converter::blocking::json::JsonDecoder;
use schema_registry_converter::blocking::schema_registry::SrSettings;
use schema_registry_converter::error::SRCError;
use serde_json::Value;

use crate::event::{DecodedEvent, Validation};

/// First byte of a value in the Confluent wire format; JSON never starts with it.
const MAGIC_BYTE: u8 = 0;
/// Magic byte + 4-byte big-endian schema id.
const HEADER_LEN: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("the record has no value")]
    Empty,
    #[error("a framed value needs {HEADER_LEN} header bytes, this one has {0}")]
    TruncatedFrame(usize),
    #[error("schema registry: {0}")]
    Registry(SRCError),
    #[error("the value does not match its schema {schema_id}: {error}")]
    Invalid { schema_id: u32, error: SRCError },
    #[error("not JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("not an event envelope: {0:?} is missing or of the wrong type")]
    NotAnEnvelope(&'static str),
}

/// Turns record values into events, fetching each schema id's schema from the
/// registry once (the converter caches schemas and compiled validators).
pub struct EventDecoder {
    registry: Option<JsonDecoder>,
}

impl EventDecoder {
    pub fn new(registry_url: Option<&str>) -> Result<Self, DecodeError> {
        let registry = match registry_url {
            Some(url) => {
                let settings = SrSettings::new_builder(url.to_owned())
                    .set_timeout(Duration::from_secs(10))
                    .build()
                    .map_err(DecodeError::Registry)?;
                Some(JsonDecoder::new(settings))
            }
            None => None,
        };
        Ok(Self { registry })
    }

    pub fn decode(&self, value: Option<&[u8]>) -> Result<DecodedEvent, DecodeError> {
        match value {
            None | Some([]) => Err(DecodeError::Empty),
            Some(framed @ [MAGIC_BYTE, ..]) => self.decode_framed(framed),
            // Written without a registry: the envelope as plain JSON.
            Some(json) => envelope_fields(serde_json::from_slice(json)?, Validation::PlainJson),
        }
    }

    fn decode_framed(&self, framed: &[u8]) -> Result<DecodedEvent, DecodeError> {
        let Some((header, json)) = framed.split_first_chunk::<HEADER_LEN>() else {
            return Err(DecodeError::TruncatedFrame(framed.len()));
        };
        let schema_id = u32::from_be_bytes([header[1], header[2], header[3], header[4]]);
        let Some(registry) = &self.registry else {
            return envelope_fields(
                serde_json::from_slice(json)?,
                Validation::Unchecked { schema_id },
            );
        };
        // Reads the id from the framing, fetches (or reuses) its schema, parses the JSON.
        let decoded = registry
            .decode(Some(framed))
            .map_err(DecodeError::Registry)?
            .expect("a value was given");
        registry
            .validate(&decoded.schema, &decoded.value)
            .map_err(|error| DecodeError::Invalid { schema_id, error })?;
        envelope_fields(decoded.value, Validation::Validated { schema_id })
    }
}

/// Picks the routing fields out of an envelope. The envelope's own
/// `event_type`/`schema_version` say how to read `data`.
fn envelope_fields(envelope: Value, validation: Validation) -> Result<DecodedEvent, DecodeError> {
    let text = |field: &'static str| {
        envelope[field]
            .as_str()
            .map(str::to_owned)
            .ok_or(DecodeError::NotAnEnvelope(field))
    };
    let number = |field: &'static str| {
        envelope[field]
            .as_u64()
            .ok_or(DecodeError::NotAnEnvelope(field))
    };
    Ok(DecodedEvent {
        event_type: text("event_type")?,
        schema_version: number("schema_version")?,
        stream_type: text("stream_type")?,
        stream_id: text("stream_id")?,
        version: number("version")?,
        validation,
        envelope,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENVELOPE: &str = r#"{"event_type":"TaskArchived","schema_version":1,
        "stream_type":"task","stream_id":"s-1","version":3,"data":{}}"#;

    #[test]
    fn plain_json_is_parsed_without_a_registry() {
        let event = EventDecoder::new(None)
            .unwrap()
            .decode(Some(ENVELOPE.as_bytes()))
            .unwrap();
        assert_eq!(
            event.to_string(),
            "TaskArchived v1 task/s-1 version=3 plain-json"
        );
    }

    #[test]
    fn framed_json_without_a_registry_is_parsed_unchecked() {
        let mut framed = vec![0, 0, 0, 0, 9];
        framed.extend_from_slice(ENVELOPE.as_bytes());
        let event = EventDecoder::new(None)
            .unwrap()
            .decode(Some(&framed))
            .unwrap();
        assert_eq!(event.validation, Validation::Unchecked { schema_id: 9 });
    }

    #[test]
    fn empty_truncated_and_foreign_values_are_errors() {
        let decoder = EventDecoder::new(None).unwrap();
        assert!(matches!(decoder.decode(None), Err(DecodeError::Empty)));
        assert!(matches!(
            decoder.decode(Some(&[0, 0, 1])),
            Err(DecodeError::TruncatedFrame(3))
        ));
        assert!(matches!(
            decoder.decode(Some(br#"{"hello":1}"#)),
            Err(DecodeError::NotAnEnvelope("event_type"))
        ));
    }
}
