//! Parked events as operators see them, and their retry and skip.
//!
//! A parked event's payload is tenant data, so a caller sees an event's
//! payload only when the event belongs to the caller's tenant (its
//! envelope's `tenant_id`). A record whose tenant cannot be read (bytes
//! that are not an envelope) is listed for every operator without its
//! payload, so that it can still be resolved.

use read_model::parked::ParkedEvent;
use serde::Serialize;
use serde_json::Value;

use super::{OperationError, Operations};
use crate::parked::{ReleaseError, Released};
use crate::projection::ParsedProjectionId;

/// The magic byte that starts a value framed with its schema id (the
/// Confluent wire format: magic byte, 4-byte schema id, then the JSON).
const FRAMED: u8 = 0;
const FRAME_HEADER_LEN: usize = 5;

/// A parked event with its payload decoded where the caller may see it.
#[derive(Debug, Clone, Serialize)]
pub struct ParkedView {
    #[serde(flatten)]
    pub event: ParkedEvent,
    /// The record's value: JSON when it is JSON, else the text (lossy UTF-8);
    /// null when withheld (the event belongs to another tenant or none can
    /// be read) or when the record had no value.
    pub payload: Option<Value>,
}

/// The envelope of a record value, framed or not, when it is JSON.
fn envelope_of(value: &[u8]) -> Option<Value> {
    let json = match value.first() {
        Some(&FRAMED) if value.len() > FRAME_HEADER_LEN => &value[FRAME_HEADER_LEN..],
        _ => value,
    };
    serde_json::from_slice(json).ok()
}

/// The tenant a parked event belongs to, when its envelope says.
pub fn tenant_of(event: &ParkedEvent) -> Option<String> {
    let envelope = envelope_of(event.record_value.as_deref()?)?;
    envelope.get("tenant_id")?.as_str().map(str::to_owned)
}

impl ParkedView {
    /// How `tenant` sees `event`, or `None` when the event is another
    /// tenant's.
    fn for_tenant(event: ParkedEvent, tenant: &str) -> Option<Self> {
        match tenant_of(&event) {
            Some(owner) if owner != tenant => None,
            Some(_) => {
                let payload = event.record_value.as_deref().map(|value| {
                    envelope_of(value).unwrap_or_else(|| {
                        Value::String(String::from_utf8_lossy(value).into_owned())
                    })
                });
                Some(Self { event, payload })
            }
            None => Some(Self {
                event,
                payload: None,
            }),
        }
    }
}

impl Operations {
    /// Every operator's view: parked (or with `all`, also resolved) events,
    /// of one projection version (`tasks.v2`) or of all.
    pub async fn parked(
        &self,
        projection: Option<&str>,
        all: bool,
    ) -> Result<Vec<ParkedEvent>, OperationError> {
        Ok(read_model::parked::list(&self.pool, projection, all).await?)
    }

    /// What `tenant`'s operator sees of [`Self::parked`].
    pub async fn parked_for_tenant(
        &self,
        tenant: &str,
        projection: Option<&str>,
        all: bool,
    ) -> Result<Vec<ParkedView>, OperationError> {
        let events = self.parked(projection, all).await?;
        Ok(events
            .into_iter()
            .filter_map(|event| ParkedView::for_tenant(event, tenant))
            .collect())
    }

    /// The parked event `id`, as `tenant` may see it: another tenant's is
    /// not found.
    pub async fn parked_event_for_tenant(
        &self,
        tenant: &str,
        id: i64,
    ) -> Result<ParkedView, OperationError> {
        let mut connection = self.pool.acquire().await?;
        read_model::parked::get(&mut connection, id)
            .await?
            .and_then(|event| ParkedView::for_tenant(event, tenant))
            .ok_or(OperationError::Release(ReleaseError::NotFound(id)))
    }

    /// Re-applies the stream of parked event `id` from its first parked event.
    pub async fn retry_parked(&self, id: i64) -> Result<Released, OperationError> {
        let owner = self.owner_of(id).await?;
        Ok(self
            .registry
            .get(&owner.name)?
            .retry(&self.pool, owner.version, id)
            .await?)
    }

    /// Sets parked event `id` aside (`by` and `reason` are kept with it) and
    /// re-applies the events of its stream behind it.
    pub async fn skip_parked(
        &self,
        id: i64,
        by: &str,
        reason: &str,
    ) -> Result<Released, OperationError> {
        let owner = self.owner_of(id).await?;
        Ok(self
            .registry
            .get(&owner.name)?
            .skip(&self.pool, owner.version, id, by, reason)
            .await?)
    }

    /// The projection version a parked event belongs to.
    async fn owner_of(&self, id: i64) -> Result<ParsedProjectionId, OperationError> {
        let mut connection = self.pool.acquire().await?;
        let event = read_model::parked::get(&mut connection, id)
            .await?
            .ok_or(ReleaseError::NotFound(id))?;
        event
            .projection
            .parse()
            .map_err(|_| OperationError::ForeignParkedEvent {
                id,
                projection: event.projection.clone(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use serde_json::json;

    fn parked(value: Option<&[u8]>) -> ParkedEvent {
        ParkedEvent {
            id: 1,
            projection: "tasks.v1".into(),
            topic: "events.tasks".into(),
            partition: 0,
            offset: 7,
            stream_id: None,
            error: "cannot decode".into(),
            record_key: None,
            record_value: value.map(<[u8]>::to_vec),
            headers: json!({}),
            parked_at: Utc::now(),
            status: "parked".into(),
            skipped_by: None,
            skip_reason: None,
            resolved_at: None,
        }
    }

    #[test]
    fn the_owner_sees_the_payload_of_its_event() {
        let value = br#"{"tenant_id":"acme","data":{"title":"x"}}"#;
        let view = ParkedView::for_tenant(parked(Some(value)), "acme").unwrap();
        assert_eq!(view.payload.unwrap()["data"]["title"], "x");
    }

    #[test]
    fn another_tenant_does_not_see_the_event() {
        let value = br#"{"tenant_id":"acme"}"#;
        assert!(ParkedView::for_tenant(parked(Some(value)), "globex").is_none());
    }

    #[test]
    fn a_framed_value_is_read_after_its_schema_id() {
        let mut value = vec![0, 0, 0, 0, 42];
        value.extend_from_slice(br#"{"tenant_id":"acme"}"#);
        assert_eq!(tenant_of(&parked(Some(&value))).as_deref(), Some("acme"));
    }

    #[test]
    fn bytes_of_no_tenant_are_listed_without_their_payload() {
        let view = ParkedView::for_tenant(parked(Some(b"\xff not json")), "globex").unwrap();
        assert!(view.payload.is_none());
    }
}
