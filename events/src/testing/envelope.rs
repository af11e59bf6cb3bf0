use chrono::{DateTime, Utc};
use proptest::prelude::*;
use uuid::Uuid;

use super::task::task_event;
use crate::task::Task;
use crate::{Aggregate, CommandMetadata, Envelope};

pub fn command_metadata() -> impl Strategy<Value = CommandMetadata> {
    let id = "[A-Za-z0-9_-]{1,64}";
    (
        id,
        id,
        id,
        "[a-z]{1,20}(@[a-z]{1,10}\\.com)?",
        "[a-z0-9-]{1,36}",
    )
        .prop_map(
            |(command_id, correlation_id, causation_id, actor, tenant_id)| CommandMetadata {
                command_id,
                correlation_id,
                causation_id,
                actor,
                tenant_id,
            },
        )
}

/// Any instant from 1970 to 9999 (years the wire format can carry), with nanoseconds:
/// `Envelope::new` must cope with more precision than it keeps.
pub fn occurred_at() -> impl Strategy<Value = DateTime<Utc>> {
    const LAST_SECOND_OF_9999: i64 = 253_402_300_799;
    (0..=LAST_SECOND_OF_9999, 0u32..1_000_000_000)
        .prop_filter_map("representable", |(seconds, nanos)| {
            DateTime::from_timestamp(seconds, nanos)
        })
}

/// An envelope around any task event, built the way the command API builds them.
pub fn task_envelope() -> impl Strategy<Value = Envelope> {
    (
        task_event(),
        any::<u128>(),
        1u64..=1_000_000,
        command_metadata(),
        occurred_at(),
    )
        .prop_map(|(event, stream_id, version, meta, at)| {
            Envelope::new(
                &event,
                Task::STREAM_TYPE,
                Uuid::from_u128(stream_id),
                version,
                &meta,
                at,
            )
        })
}
