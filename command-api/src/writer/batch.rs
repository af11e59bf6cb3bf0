//! Deciding one command against the batch's overlay: idempotency, the
//! expected version, then the aggregate's own `decide`.

use chrono::{DateTime, Utc};
use events::{Aggregate, Command, Envelope};

use super::stream_table::{Overlay, RecordRef, RecordedCommand, StreamTable};
use super::{CommandRequest, ExpectedVersion};
use crate::rejection::Rejection;

/// What deciding a command leaves for the commit step.
pub enum Decision {
    /// New events were added to the batch; the command's last one is at this index.
    Appended {
        version: u64,
        last_record: usize,
        created: bool,
    },
    /// Nothing to append: a no-op, or a retry answered from its first attempt.
    Unchanged {
        version: u64,
        last_record: Option<RecordRef>,
        created: bool,
        replayed: bool,
    },
}

pub struct PendingRecord {
    pub envelope: Envelope,
    pub fingerprint: Option<String>,
}

/// `keys_since`: idempotency keys recorded before it are forgotten
/// (`IDEMPOTENCY_KEY_RETENTION`); `None` keeps them for good.
pub fn decide<A: Aggregate>(
    table: &StreamTable<A>,
    overlay: &mut Overlay<A>,
    request: &CommandRequest<A>,
    keys_since: Option<DateTime<Utc>>,
    records: &mut Vec<PendingRecord>,
) -> Result<Decision, Rejection> {
    let stream_id = request.stream_id;
    let mut stream = overlay.stream(table, stream_id);
    // Before anything else, so another tenant learns nothing: not its
    // version, not its idempotency keys, not even that the stream exists.
    if !stream.visible_to(&request.metadata.tenant_id) {
        return Err(Rejection::domain(A::not_found()));
    }

    if let Some(idempotency) = &request.idempotency
        && let Some(known) = stream.command(&idempotency.key, keys_since)
    {
        if known.fingerprint != idempotency.fingerprint {
            return Err(Rejection::IdempotencyKeyReused {
                key: idempotency.key.clone(),
            });
        }
        return Ok(Decision::Unchanged {
            version: known.version,
            last_record: Some(known.last_record),
            created: known.created,
            replayed: true,
        });
    }

    let exists = stream.aggregate.exists();
    if let ExpectedVersion::Exactly(expected) = request.expected_version
        && (exists || request.command.is_create())
        && expected != stream.version
    {
        return Err(Rejection::VersionMismatch {
            stream_type: A::STREAM_TYPE,
            expected,
            current_version: stream.version,
        });
    }

    let events = stream
        .aggregate
        .decide(&request.command)
        .map_err(Rejection::domain)?;
    if events.is_empty() {
        return Ok(Decision::Unchanged {
            version: stream.version,
            last_record: stream.last_record,
            created: false,
            replayed: false,
        });
    }

    let created = stream.version == 0;
    let occurred_at = Utc::now();
    let first_record = records.len();
    let fingerprint = request.idempotency.as_ref().map(|i| i.fingerprint.clone());
    for event in &events {
        stream.version += 1;
        stream.aggregate = stream.aggregate.evolve(event);
        records.push(PendingRecord {
            envelope: Envelope::new(
                event,
                A::STREAM_TYPE,
                stream_id,
                stream.version,
                &request.metadata,
                occurred_at,
            ),
            fingerprint: fingerprint.clone(),
        });
    }
    let last_record = records.len() - 1;
    stream
        .tenant
        .get_or_insert_with(|| request.metadata.tenant_id.clone());
    stream
        .first_record
        .get_or_insert(RecordRef::InBatch(first_record));
    stream.last_record = Some(RecordRef::InBatch(last_record));
    let version = stream.version;
    if let Some(idempotency) = &request.idempotency {
        stream.record_command(
            RecordedCommand {
                key: idempotency.key.clone(),
                fingerprint: idempotency.fingerprint.clone(),
                version,
                last_record: RecordRef::InBatch(last_record),
                created,
                recorded_at: occurred_at,
            },
            keys_since,
        );
    }
    overlay.put_stream(stream_id, stream);
    Ok(Decision::Appended {
        version,
        last_record,
        created,
    })
}
