//! The wire format of `occurred_at`: RFC 3339 in UTC with a `Z` suffix and exactly
//! microsecond precision, e.g. `2024-05-01T12:34:56.123456Z`.
//!
//! Microseconds because that is what Postgres `timestamptz` keeps: a timestamp that
//! survives every hop unchanged keeps envelopes comparable byte for byte.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// Drops sub-microsecond precision, which the wire format cannot carry.
pub(crate) fn truncate_to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

pub(crate) fn format(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn serialize<S: Serializer>(
    at: &DateTime<Utc>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(at))
}

/// Accepts any RFC 3339 timestamp (any offset) and normalizes it to UTC microseconds,
/// so a decoded envelope equals the one that is re-encoded from it.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<DateTime<Utc>, D::Error> {
    let text = String::deserialize(deserializer)?;
    let parsed = DateTime::parse_from_rfc3339(&text).map_err(serde::de::Error::custom)?;
    Ok(truncate_to_micros(parsed.with_timezone(&Utc)))
}
