//! Maps project events to and from the envelope's `data` (the shapes in
//! `schemas/json/project/`). Decoding is strict: unknown fields are errors.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::ProjectEvent;
use crate::DecodeError;

pub(super) fn encode(event: &ProjectEvent) -> Value {
    match event {
        ProjectEvent::Created(created) => {
            serde_json::to_value(created).expect("ProjectCreated has string keys")
        }
        ProjectEvent::Renamed { name } => json!({ "name": name }),
        ProjectEvent::MemberAdded { member } | ProjectEvent::MemberRemoved { member } => {
            json!({ "member": member })
        }
        ProjectEvent::Archived | ProjectEvent::Restored => json!({}),
    }
}

pub(super) fn decode(
    event_type: &str,
    schema_version: u32,
    data: &Value,
) -> Result<ProjectEvent, DecodeError> {
    let read = Reader {
        event_type,
        schema_version,
        data,
    };
    match (event_type, schema_version) {
        ("ProjectCreated", 1) => read.data().map(ProjectEvent::Created),
        ("ProjectRenamed", 1) => read
            .data()
            .map(|NameData { name }| ProjectEvent::Renamed { name }),
        ("ProjectArchived", 1) => read.data().map(|NoData {}| ProjectEvent::Archived),
        ("ProjectRestored", 1) => read.data().map(|NoData {}| ProjectEvent::Restored),
        ("ProjectMemberAdded", 1) => read
            .data()
            .map(|MemberData { member }| ProjectEvent::MemberAdded { member }),
        ("ProjectMemberRemoved", 1) => read
            .data()
            .map(|MemberData { member }| ProjectEvent::MemberRemoved { member }),
        _ if ProjectEvent::EVENT_TYPES.contains(&event_type) => {
            Err(DecodeError::UnsupportedVersion {
                event_type: event_type.to_owned(),
                schema_version,
            })
        }
        _ => Err(DecodeError::UnknownEventType(event_type.to_owned())),
    }
}

/// Deserializes `data`, reporting failures with the JSON path of the offending value.
struct Reader<'a> {
    event_type: &'a str,
    schema_version: u32,
    data: &'a Value,
}

impl Reader<'_> {
    fn data<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        serde_path_to_error::deserialize(self.data).map_err(|error| DecodeError::InvalidData {
            event_type: self.event_type.to_owned(),
            schema_version: self.schema_version,
            message: error.to_string(),
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NameData {
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberData {
    member: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoData {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DomainEvent;
    use crate::project::ProjectCreated;

    #[test]
    fn every_event_round_trips_through_its_data() {
        let events = [
            ProjectEvent::Created(ProjectCreated {
                name: "Launch".into(),
                description: None,
            }),
            ProjectEvent::Renamed { name: "Go".into() },
            ProjectEvent::Archived,
            ProjectEvent::Restored,
            ProjectEvent::MemberAdded {
                member: "ada".into(),
            },
            ProjectEvent::MemberRemoved {
                member: "ada".into(),
            },
        ];
        for event in events {
            let decoded = ProjectEvent::decode(event.event_type(), 1, &event.data());
            assert_eq!(decoded, Ok(event));
        }
    }

    #[test]
    fn created_writes_every_key() {
        let created = ProjectEvent::Created(ProjectCreated {
            name: "Launch".into(),
            description: None,
        });
        assert_eq!(
            created.data(),
            json!({ "name": "Launch", "description": null })
        );
    }

    #[test]
    fn unknown_types_versions_and_fields_are_refused() {
        assert_eq!(
            ProjectEvent::decode("ProjectExploded", 1, &json!({})),
            Err(DecodeError::UnknownEventType("ProjectExploded".into()))
        );
        assert!(matches!(
            ProjectEvent::decode("ProjectRenamed", 2, &json!({ "name": "x" })),
            Err(DecodeError::UnsupportedVersion { .. })
        ));
        assert!(matches!(
            ProjectEvent::decode("ProjectArchived", 1, &json!({ "by": "x" })),
            Err(DecodeError::InvalidData { .. })
        ));
    }
}
