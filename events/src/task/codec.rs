//! Maps task events to and from the envelope's `data`, one JSON object per event type
//! and schema version (the shapes in `schemas/json/task/`).
//!
//! Decoding is strict (unknown fields are errors) so a producer writing a shape we do not
//! understand fails loudly instead of being half-read.

use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

use super::upcast::{TaskCreatedV1, TaskCreatedV2, upcast_task_created_v1, upcast_task_created_v2};
use super::{Priority, TaskEvent};
use crate::DecodeError;

pub(super) fn encode(event: &TaskEvent) -> Value {
    match event {
        TaskEvent::Created(created) => serde_json::to_value(created)
            .expect("TaskCreated has string keys and infallible fields"),
        TaskEvent::Renamed { title } => json!({ "title": title }),
        TaskEvent::DescriptionChanged { description } => json!({ "description": description }),
        TaskEvent::PriorityChanged { priority } => json!({ "priority": priority }),
        TaskEvent::Rescheduled { due_date } => json!({ "due_date": due_date }),
        TaskEvent::Assigned { assignee } => json!({ "assignee": assignee }),
        TaskEvent::TagAdded { tag } | TaskEvent::TagRemoved { tag } => json!({ "tag": tag }),
        TaskEvent::MovedToProject { project_id } => json!({ "project_id": project_id }),
        TaskEvent::Unassigned
        | TaskEvent::Completed
        | TaskEvent::Reopened
        | TaskEvent::Archived
        | TaskEvent::RemovedFromProject => json!({}),
    }
}

pub(super) fn decode(
    event_type: &str,
    schema_version: u32,
    data: &Value,
) -> Result<TaskEvent, DecodeError> {
    let read = Reader {
        event_type,
        schema_version,
        data,
    };
    match (event_type, schema_version) {
        ("TaskCreated", 3) => read.data().map(TaskEvent::Created),
        ("TaskCreated", 2) => read
            .data::<TaskCreatedV2>()
            .map(|v2| TaskEvent::Created(upcast_task_created_v2(v2))),
        ("TaskCreated", 1) => read
            .data::<TaskCreatedV1>()
            .map(|v1| TaskEvent::Created(upcast_task_created_v2(upcast_task_created_v1(v1)))),
        ("TaskRenamed", 1) => read
            .data()
            .map(|TitleData { title }| TaskEvent::Renamed { title }),
        ("TaskDescriptionChanged", 1) => read
            .data()
            .map(|DescriptionData { description }| TaskEvent::DescriptionChanged { description }),
        ("TaskPriorityChanged", 1) => read
            .data()
            .map(|PriorityData { priority }| TaskEvent::PriorityChanged { priority }),
        ("TaskRescheduled", 1) => read
            .data()
            .map(|DueDateData { due_date }| TaskEvent::Rescheduled { due_date }),
        ("TaskAssigned", 1) => read
            .data()
            .map(|AssigneeData { assignee }| TaskEvent::Assigned { assignee }),
        ("TaskUnassigned", 1) => read.data().map(|NoData {}| TaskEvent::Unassigned),
        ("TaskTagAdded", 1) => read
            .data()
            .map(|TagData { tag }| TaskEvent::TagAdded { tag }),
        ("TaskTagRemoved", 1) => read
            .data()
            .map(|TagData { tag }| TaskEvent::TagRemoved { tag }),
        ("TaskCompleted", 1) => read.data().map(|NoData {}| TaskEvent::Completed),
        ("TaskReopened", 1) => read.data().map(|NoData {}| TaskEvent::Reopened),
        ("TaskArchived", 1) => read.data().map(|NoData {}| TaskEvent::Archived),
        ("TaskMovedToProject", 1) => read
            .data()
            .map(|ProjectData { project_id }| TaskEvent::MovedToProject { project_id }),
        ("TaskRemovedFromProject", 1) => read.data().map(|NoData {}| TaskEvent::RemovedFromProject),
        _ if TaskEvent::EVENT_TYPES.contains(&event_type) => Err(DecodeError::UnsupportedVersion {
            event_type: event_type.to_owned(),
            schema_version,
        }),
        _ => Err(DecodeError::UnknownEventType(event_type.to_owned())),
    }
}

/// Deserializes `data` and reports failures with the JSON path of the offending value.
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
struct TitleData {
    title: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DescriptionData {
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PriorityData {
    priority: Priority,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DueDateData {
    due_date: Option<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssigneeData {
    assignee: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TagData {
    tag: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectData {
    project_id: Uuid,
}

/// Events without fields carry `{}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoData {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DomainEvent;
    use crate::task::TaskCreated;

    #[test]
    fn encodes_fields_without_the_stream_id() {
        let event = TaskEvent::Created(TaskCreated {
            title: "Write docs".into(),
            description: None,
            priority: Priority::High,
            due_date: NaiveDate::from_ymd_opt(2024, 12, 31),
            assignee: Some("bob".into()),
            tags: vec!["docs".into()],
            project_id: None,
        });
        assert_eq!(
            event.data(),
            json!({
                "title": "Write docs",
                "description": null,
                "priority": "high",
                "due_date": "2024-12-31",
                "assignee": "bob",
                "tags": ["docs"],
                "project_id": null,
            })
        );
        assert_eq!(TaskEvent::Completed.data(), json!({}));
    }

    #[test]
    fn unknown_event_type_is_rejected() {
        assert_eq!(
            TaskEvent::decode("TaskExploded", 1, &json!({})),
            Err(DecodeError::UnknownEventType("TaskExploded".into()))
        );
    }

    #[test]
    fn unknown_version_of_a_known_type_is_rejected() {
        assert_eq!(
            TaskEvent::decode("TaskRenamed", 2, &json!({ "title": "x" })),
            Err(DecodeError::UnsupportedVersion {
                event_type: "TaskRenamed".into(),
                schema_version: 2
            })
        );
        assert!(matches!(
            TaskEvent::decode("TaskCreated", 4, &json!({})),
            Err(DecodeError::UnsupportedVersion { .. })
        ));
    }

    #[test]
    fn invalid_data_names_the_offending_path() {
        let Err(DecodeError::InvalidData { message, .. }) =
            TaskEvent::decode("TaskPriorityChanged", 1, &json!({ "priority": "soon" }))
        else {
            panic!("expected InvalidData");
        };
        assert!(message.starts_with("priority"), "{message}");
    }

    #[test]
    fn unknown_fields_are_rejected() {
        assert!(matches!(
            TaskEvent::decode("TaskCompleted", 1, &json!({ "by": "bob" })),
            Err(DecodeError::InvalidData { .. })
        ));
        assert!(matches!(
            TaskEvent::decode("TaskRenamed", 1, &json!({ "title": "x", "old": "y" })),
            Err(DecodeError::InvalidData { .. })
        ));
    }
}
