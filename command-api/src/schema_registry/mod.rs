//! Registering the event schemas with a Confluent-compatible schema registry at
//! start, when `SCHEMA_REGISTRY_URL` is set, so the writers can frame record
//! values with the id of their schema. Each mounted aggregate registers its
//! own event schemas under its own topic's subjects.
//!
//! Subject naming: TopicRecordNameStrategy, `<topic>-<record name>` with the
//! record name `<stream_type>.<EventType>.v<version>`, e.g.
//! `events.tasks-task.TaskCreated.v2`. One subject per event type *and
//! version*, because a new version of an event is a new shape on purpose
//! (TaskCreated v2 added required fields) and is upcast by readers, not read
//! by an old reader; BACKWARD compatibility per subject then guards each
//! published shape against accidental edits. The registered schema is the
//! envelope with that event's `data` inlined (see `schemas::registry_schema`).

mod apicurio;
mod client;
mod error;
mod schema_ids;
mod subject;

pub use client::RegistryClient;
pub use error::RegistryError;
pub use schema_ids::SchemaIds;
pub use subject::subject_name;

use schemas::EventSchema;

/// The compatibility level every event subject is held to.
pub const COMPATIBILITY: &str = "BACKWARD";

/// Registers `event_schemas` (one aggregate's) under their subjects for
/// `topic` and returns their ids.
///
/// Every subject is checked before any is registered, so a refused start
/// leaves no new schema versions behind: a subject that already has versions
/// must accept this build's schema under BACKWARD compatibility, otherwise
/// [`RegistryError::Incompatible`] names it and the registry's reason.
/// Registering a schema the subject already holds returns its existing id.
pub async fn register(
    url: &str,
    topic: &str,
    event_schemas: &[&EventSchema],
) -> Result<SchemaIds, RegistryError> {
    let client = RegistryClient::new(url)?;
    let planned: Vec<_> = event_schemas
        .iter()
        .map(|&schema| (schema, subject_name(topic, schema)))
        .collect();

    for (schema, subject) in &planned {
        // Before the check: a subject left at NONE would accept anything.
        client.set_compatibility(subject, COMPATIBILITY).await?;
        if client.has_versions(subject).await? {
            let text = schemas::registry_schema_text(schema);
            let verdict = client.check_compatibility(subject, &text).await?;
            if !verdict.is_compatible {
                return Err(RegistryError::Incompatible {
                    subject: subject.clone(),
                    reason: client.refusal_reason(subject, &text, &verdict).await,
                });
            }
        }
    }

    let mut ids = SchemaIds::default();
    for (schema, subject) in planned {
        let id = client
            .register(
                &subject,
                &schemas::record_name(schema),
                schemas::registry_schema_text(schema),
            )
            .await?;
        tracing::info!(subject, schema_id = id, "event schema registered");
        ids.insert(schema.event_type, schema.version, id);
    }
    Ok(ids)
}
