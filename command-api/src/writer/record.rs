//! How an event travels as a Kafka record: the envelope as value (plain or
//! registry-framed JSON, see `value_format`), the stream id as key, and
//! headers for consumers that route without parsing.

use events::Envelope;
use rdkafka::message::{Header, Headers, OwnedHeaders};

pub const EVENT_TYPE: &str = "event_type";
pub const SCHEMA_VERSION: &str = "schema_version";
pub const CONTENT_TYPE: &str = "content-type";
/// Present on events of commands sent with an `Idempotency-Key`.
pub const COMMAND_FINGERPRINT: &str = "command_fingerprint";

pub fn headers(envelope: &Envelope, content_type: &str, fingerprint: Option<&str>) -> OwnedHeaders {
    let schema_version = envelope.schema_version.to_string();
    let headers = OwnedHeaders::new_with_capacity(4)
        .insert(Header {
            key: EVENT_TYPE,
            value: Some(envelope.event_type.as_str()),
        })
        .insert(Header {
            key: SCHEMA_VERSION,
            value: Some(schema_version.as_str()),
        })
        .insert(Header {
            key: CONTENT_TYPE,
            value: Some(content_type),
        });
    match fingerprint {
        Some(fingerprint) => headers.insert(Header {
            key: COMMAND_FINGERPRINT,
            value: Some(fingerprint),
        }),
        None => headers,
    }
}

pub fn fingerprint_of<H: Headers>(headers: Option<&H>) -> Option<String> {
    let headers = headers?;
    headers
        .iter()
        .find(|header| header.key == COMMAND_FINGERPRINT)
        .and_then(|header| header.value)
        .map(|value| String::from_utf8_lossy(value).into_owned())
}
