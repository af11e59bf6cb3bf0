//! What the engine needs from a projection: who it is, which topics it reads,
//! which tables it owns, how to decode a record, where its streams stand and
//! how to apply a batch inside a transaction.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use events::Envelope;

pub use crate::record::ProjectedEvent;
use crate::stream_versions::{self, StreamTable};

/// A projection's identity: its name and the version of its tables. Each
/// version is its own consumer group, its own checkpoints and its own tables,
/// so a new version is rebuilt from the start of the log beside the live one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProjectionId {
    pub name: &'static str,
    pub version: u32,
}

impl fmt::Display for ProjectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.v{}", self.name, self.version)
    }
}

/// `tasks.v2` split into its name and version (the name is not checked
/// against the registered projections here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedProjectionId {
    pub name: String,
    pub version: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("{0:?} is not a projection id (expected <name>.v<version>, e.g. tasks.v1)")]
pub struct InvalidProjectionId(pub String);

impl FromStr for ParsedProjectionId {
    type Err = InvalidProjectionId;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidProjectionId(text.to_owned());
        let (name, version) = text.rsplit_once(".v").ok_or_else(invalid)?;
        let version: u32 = version.parse().map_err(|_| invalid())?;
        if name.is_empty() || version == 0 {
            return Err(invalid());
        }
        Ok(Self {
            name: name.to_owned(),
            version,
        })
    }
}

/// What a registered consumer of the log is: a projection (its effect is
/// its read models) or a process manager (its effect is the commands it
/// decides; see `crate::process`). The engine runs both alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Projection,
    ProcessManager,
}

/// One decoded record of the batch, in log order within its partition.
#[derive(Debug, Clone)]
pub struct Decoded<E> {
    pub partition: i32,
    pub offset: i64,
    pub event: E,
}

/// A record the projection cannot take, and why. The engine parks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub partition: i32,
    pub offset: i64,
    pub reason: String,
}

/// What applying a batch did.
#[derive(Debug, Default)]
pub struct Applied {
    /// Events that changed the read models (duplicates are not counted).
    pub events: u64,
    /// The `occurred_at` of the newest event applied.
    pub newest_event_at: Option<DateTime<Utc>>,
    /// At most one per stream: nothing of that stream at or after its offset
    /// was applied.
    pub failures: Vec<Failure>,
}

impl Applied {
    /// Adds what another (later) application did.
    pub fn merge(&mut self, other: Applied) {
        self.events += other.events;
        self.newest_event_at = self.newest_event_at.max(other.newest_event_at);
        self.failures.extend(other.failures);
    }
}

pub trait Projection: Send + Sync + 'static {
    type Event: ProjectedEvent;

    fn id(&self) -> ProjectionId;

    fn kind(&self) -> Kind {
        Kind::Projection
    }

    /// The same projection writing the tables of another version.
    fn at_version(&self, version: u32) -> Self
    where
        Self: Sized;

    /// The topic names it reads, within the events prefix, e.g. `["tasks"]`.
    /// A projection reading several topics (a cross-aggregate projection)
    /// gets one worker per topic; their batches apply concurrently, so rows
    /// written from two topics must not depend on each other's order.
    fn topic_names(&self) -> &'static [&'static str];

    /// The tables this version writes (they carry the version in their
    /// names). A rebuild creates the next version's tables like the live
    /// version's; dropping a version drops them.
    fn tables(&self) -> Vec<String>;

    /// Decodes one record's value; the error says why it cannot be.
    fn decode(&self, value: Option<&[u8]>) -> Result<Self::Event, String>;

    /// The tables of this version holding one row per stream it reads, with
    /// the stream's `version`: (table, stream id column). What the engine's
    /// order checks read and a skip moves (see the defaults below).
    fn stream_tables(&self) -> Vec<(String, &'static str)>;

    /// The version each of `streams` stands at in this version's tables
    /// (absent: not created yet). The engine checks every record against
    /// it before [`Projection::apply`] sees it: what is already applied is
    /// left out, and a version gap, an event before the stream's first or a
    /// second first event is parked.
    #[allow(async_fn_in_trait)]
    async fn stream_versions(
        &self,
        connection: &mut PgConnection,
        streams: &[Uuid],
    ) -> Result<HashMap<Uuid, i64>, sqlx::Error> {
        let tables = self.stream_tables();
        let tables: Vec<StreamTable<'_>> = tables.iter().map(|(t, c)| (t.as_str(), *c)).collect();
        stream_versions::from_tables(connection, &tables, streams).await
    }

    /// Applies `records` (every partition in log order; each the next event
    /// of its stream) within the caller's transaction, with set-based
    /// statements. A record that cannot be applied is left out and reported
    /// in [`Applied::failures`] (at most one per stream), and no later record
    /// of **its stream** may be applied in this call: the engine parks them
    /// behind it. Other streams go on.
    // The engine drives this on its worker's own single-threaded runtime, so
    // the future needs no `Send` bound.
    #[allow(async_fn_in_trait)]
    async fn apply(
        &self,
        connection: &mut PgConnection,
        records: &[&Decoded<Self::Event>],
    ) -> Result<Applied, sqlx::Error>;

    /// An operator skipped this parked record (`value` is its raw value):
    /// let the read models treat it as applied without effect, so the events
    /// behind it can follow. Called in the transaction that releases them.
    /// By default a skipped event whose envelope is readable moves its
    /// stream's version past it (when the stream stands right before it); a
    /// record without a readable envelope changes nothing: its version is
    /// unknown, and if it was one of a stream's, the stream's next event is
    /// parked again with a gap for the operator to look at.
    #[allow(async_fn_in_trait)]
    async fn skipped(
        &self,
        connection: &mut PgConnection,
        value: Option<&[u8]>,
    ) -> Result<(), sqlx::Error> {
        let Some(envelope) = value.and_then(|value| Envelope::from_wire_bytes(value).ok()) else {
            return Ok(());
        };
        let tables = self.stream_tables();
        let tables: Vec<StreamTable<'_>> = tables.iter().map(|(t, c)| (t.as_str(), *c)).collect();
        stream_versions::step_over(
            connection,
            &tables,
            envelope.stream_id,
            envelope.version as i64,
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        let id = ProjectionId {
            name: "tasks",
            version: 12,
        };
        let parsed: ParsedProjectionId = id.to_string().parse().unwrap();
        assert_eq!(
            parsed,
            ParsedProjectionId {
                name: "tasks".into(),
                version: 12
            }
        );
        for bad in ["tasks", "tasks.v", "tasks.v0", ".v1", "tasks.vx"] {
            assert!(bad.parse::<ParsedProjectionId>().is_err(), "{bad}");
        }
    }
}
