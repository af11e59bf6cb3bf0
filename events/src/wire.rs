//! The two encodings of an envelope in a Kafka record value:
//!
//! - plain JSON (no schema registry configured), and
//! - the Confluent JSON Schema wire format: the magic byte `0x00`, the 4-byte
//!   big-endian id of the value's schema in the registry, then the same JSON.
//!
//! JSON text never starts with `0x00` (RFC 8259 allows only whitespace before
//! the first value), so the first byte tells them apart without a header.

use crate::DecodeError;

/// First byte of a value framed for a Confluent-compatible schema registry.
pub const MAGIC_BYTE: u8 = 0;

/// Magic byte plus schema id.
pub const FRAME_HEADER_LEN: usize = 5;

/// A record value split into its JSON and, when it was framed, the schema id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WireValue<'a> {
    /// The registry's id of the schema the producer wrote with; `None` for plain JSON.
    pub schema_id: Option<u32>,
    pub json: &'a [u8],
}

impl<'a> WireValue<'a> {
    /// Splits off the Confluent framing when there is one. Only a value that
    /// starts with the magic byte but is too short to hold an id is an error.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, DecodeError> {
        match bytes {
            [MAGIC_BYTE, a, b, c, d, json @ ..] => Ok(Self {
                schema_id: Some(u32::from_be_bytes([*a, *b, *c, *d])),
                json,
            }),
            [MAGIC_BYTE, ..] => Err(DecodeError::MalformedEnvelope {
                message: format!(
                    "a value starting with the schema registry magic byte needs \
                     {FRAME_HEADER_LEN} header bytes, it has {}",
                    bytes.len()
                ),
            }),
            json => Ok(Self {
                schema_id: None,
                json,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_json_has_no_schema_id() {
        let value = WireValue::parse(br#"{"a":1}"#).unwrap();
        assert_eq!(value.schema_id, None);
        assert_eq!(value.json, br#"{"a":1}"#);
    }

    #[test]
    fn framed_value_yields_big_endian_id_and_json() {
        let mut bytes = vec![0, 0x01, 0x02, 0x03, 0x04];
        bytes.extend_from_slice(br#"{"a":1}"#);

        let value = WireValue::parse(&bytes).unwrap();

        assert_eq!(value.schema_id, Some(0x0102_0304));
        assert_eq!(value.json, br#"{"a":1}"#);
    }

    #[test]
    fn truncated_frame_is_malformed() {
        for bytes in [&[0u8][..], &[0, 0, 0, 7]] {
            assert!(matches!(
                WireValue::parse(bytes),
                Err(DecodeError::MalformedEnvelope { .. })
            ));
        }
    }

    #[test]
    fn empty_value_is_passed_on_as_plain_json() {
        // The JSON parser reports it; the framing has nothing to say about it.
        assert_eq!(
            WireValue::parse(b"").unwrap(),
            WireValue {
                schema_id: None,
                json: b""
            }
        );
    }
}
