//! The deploy that fixes a poison record, for the tests of parked events:
//! it reads `TaskCreated` at schema version 9 — which this code base does
//! not know (`title` renamed to `name`) — by upcasting it to version 2, and
//! is the `tasks` projection in every other way. A real fix is the same
//! thing in `events::task::codec`, shipped in a new build of the projector.

use projector::projection::{Applied, Decoded, Projection, ProjectionId};
use projector::tasks::{TaskRecord, Tasks};
use serde_json::{Value, json};
use sqlx::PgConnection;

/// `tasks`, able to read `TaskCreated` at schema version 9.
pub struct NextDeploy;

impl NextDeploy {
    fn upcast_v9(value: &[u8]) -> Option<Vec<u8>> {
        let mut envelope: Value = serde_json::from_slice(value).ok()?;
        if envelope["event_type"] != "TaskCreated" || envelope["schema_version"] != 9 {
            return None;
        }
        let data = envelope["data"].as_object_mut()?;
        let name = data.remove("name")?;
        data.insert("title".into(), name);
        envelope["schema_version"] = json!(2);
        serde_json::to_vec(&envelope).ok()
    }
}

impl Projection for NextDeploy {
    type Event = TaskRecord;

    fn id(&self) -> ProjectionId {
        Tasks::V1.id()
    }

    fn at_version(&self, _version: u32) -> Self {
        NextDeploy
    }

    fn topic_names(&self) -> &'static [&'static str] {
        Tasks::V1.topic_names()
    }

    fn tables(&self) -> Vec<String> {
        Tasks::V1.tables()
    }

    fn decode(&self, value: Option<&[u8]>) -> Result<TaskRecord, String> {
        Tasks::V1.decode(value).or_else(|error| {
            let upcast = value.and_then(Self::upcast_v9).ok_or(error)?;
            Tasks::V1.decode(Some(&upcast))
        })
    }

    fn stream_tables(&self) -> Vec<(String, &'static str)> {
        Tasks::V1.stream_tables()
    }

    async fn apply(
        &self,
        connection: &mut PgConnection,
        records: &[&Decoded<TaskRecord>],
    ) -> Result<Applied, sqlx::Error> {
        Tasks::V1.apply(connection, records).await
    }
}
