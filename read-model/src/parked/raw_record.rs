//! A record as it was read from the log: its key, value and headers, kept so
//! that one that cannot be decoded or applied can be parked with its exact
//! bytes (and re-read from `parked_events` later).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawRecord {
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    /// In record order; a header may have no value.
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

impl RawRecord {
    /// The stream the record belongs to: the key, which producers set to the
    /// stream id (`None` when there is no key or it is not text).
    pub fn stream_id(&self) -> Option<String> {
        let key = self.key.as_deref()?;
        std::str::from_utf8(key)
            .ok()
            .filter(|key| !key.is_empty())
            .map(str::to_owned)
    }

    /// The headers as JSON for `parked_events.headers`: `{key, value}` with
    /// the value as text when it is UTF-8, else `{key, value_base64}`.
    pub fn headers_json(&self) -> Value {
        Value::Array(
            self.headers
                .iter()
                .map(|(key, value)| match value {
                    None => json!({ "key": key, "value": null }),
                    Some(bytes) => match std::str::from_utf8(bytes) {
                        Ok(text) => json!({ "key": key, "value": text }),
                        Err(_) => json!({ "key": key, "value_base64": STANDARD.encode(bytes) }),
                    },
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_keep_text_and_encode_binary() {
        let record = RawRecord {
            key: Some(b"k".to_vec()),
            value: None,
            headers: vec![
                ("event_type".into(), Some(b"TaskCreated".to_vec())),
                ("binary".into(), Some(vec![0xff, 0x00])),
                ("empty".into(), None),
            ],
        };
        assert_eq!(
            record.headers_json(),
            json!([
                { "key": "event_type", "value": "TaskCreated" },
                { "key": "binary", "value_base64": "/wA=" },
                { "key": "empty", "value": null },
            ])
        );
        assert_eq!(record.stream_id().as_deref(), Some("k"));
        assert_eq!(RawRecord::default().stream_id(), None);
    }
}
