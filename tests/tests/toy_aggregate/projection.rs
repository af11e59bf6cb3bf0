//! The toy's projection, defined only here: each counter's total. Its
//! version-1 table is created by the test (a real aggregate adds a
//! migration in `read-model/migrations`).

use std::collections::BTreeMap;

use projector::projection::{Applied, Decoded, Projection, ProjectionId};
use projector::record::{ProjectedEvent, Record};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::counter::{Counter, CounterEvent};

#[derive(Debug, Clone, Copy)]
pub struct Counters {
    pub version: u32,
}

impl Counters {
    pub const V1: Counters = Counters { version: 1 };

    pub fn table(&self) -> String {
        format!("counters_v{}", self.version)
    }

    pub async fn create_table(&self, pool: &PgPool) {
        sqlx::query(&format!(
            "CREATE TABLE IF NOT EXISTS {} (
                 counter_id uuid PRIMARY KEY, tenant_id text NOT NULL,
                 total bigint NOT NULL, version bigint NOT NULL)",
            self.table()
        ))
        .execute(pool)
        .await
        .unwrap();
    }
}

impl Projection for Counters {
    type Event = Record<Counter>;

    fn id(&self) -> ProjectionId {
        ProjectionId {
            name: "counters",
            version: self.version,
        }
    }

    fn at_version(&self, version: u32) -> Self {
        Self { version }
    }

    fn topic_names(&self) -> &'static [&'static str] {
        &["counters"]
    }

    fn tables(&self) -> Vec<String> {
        vec![self.table()]
    }

    fn stream_tables(&self) -> Vec<(String, &'static str)> {
        vec![(self.table(), "counter_id")]
    }

    fn decode(&self, value: Option<&[u8]>) -> Result<Record<Counter>, String> {
        Record::decode(value)
    }

    async fn apply(
        &self,
        connection: &mut PgConnection,
        records: &[&Decoded<Record<Counter>>],
    ) -> Result<Applied, sqlx::Error> {
        // Per counter: its tenant, what the batch adds and its last version.
        let mut changes: BTreeMap<Uuid, (String, i64, i64)> = BTreeMap::new();
        for record in records {
            let envelope = record.event.envelope();
            let change = changes
                .entry(envelope.stream_id)
                .or_insert_with(|| (envelope.tenant_id.clone(), 0, 0));
            if let CounterEvent::Incremented { by } = record.event.event {
                change.1 += i64::from(by);
            }
            change.2 = envelope.version as i64;
        }
        for (counter, (tenant, added, version)) in &changes {
            sqlx::query(&format!(
                "INSERT INTO {} (counter_id, tenant_id, total, version) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (counter_id) DO UPDATE
                 SET total = {}.total + EXCLUDED.total, version = EXCLUDED.version",
                self.table(),
                self.table()
            ))
            .bind(counter)
            .bind(tenant)
            .bind(added)
            .bind(version)
            .execute(&mut *connection)
            .await?;
        }
        Ok(Applied {
            events: records.len() as u64,
            ..Applied::default()
        })
    }
}
