//! Every schema file, embedded. Adding an event type or version means adding its file
//! under `json/{stream_type}/` and one line here; so does a new `STATE_VERSION` of an
//! aggregate (`json/{stream_type}/state.v{N}.schema.json`).

/// The schema of one event type at one version: the shape of the envelope's `data`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventSchema {
    pub stream_type: &'static str,
    pub event_type: &'static str,
    pub version: u32,
    /// The schema document, JSON text.
    pub json: &'static str,
}

/// Builds an entry from its coordinates, so the file path cannot disagree with them.
macro_rules! event_schema {
    ($stream_type:literal, $event_type:literal, $version:literal) => {
        EventSchema {
            stream_type: $stream_type,
            event_type: $event_type,
            version: $version,
            json: include_str!(concat!(
                "../json/",
                $stream_type,
                "/",
                $event_type,
                ".v",
                $version,
                ".schema.json"
            )),
        }
    };
}

static EVENT_SCHEMAS: [EventSchema; 22] = [
    event_schema!("task", "TaskCreated", 1),
    event_schema!("task", "TaskCreated", 2),
    event_schema!("task", "TaskCreated", 3),
    event_schema!("task", "TaskRenamed", 1),
    event_schema!("task", "TaskDescriptionChanged", 1),
    event_schema!("task", "TaskPriorityChanged", 1),
    event_schema!("task", "TaskRescheduled", 1),
    event_schema!("task", "TaskAssigned", 1),
    event_schema!("task", "TaskUnassigned", 1),
    event_schema!("task", "TaskTagAdded", 1),
    event_schema!("task", "TaskTagRemoved", 1),
    event_schema!("task", "TaskCompleted", 1),
    event_schema!("task", "TaskReopened", 1),
    event_schema!("task", "TaskArchived", 1),
    event_schema!("task", "TaskMovedToProject", 1),
    event_schema!("task", "TaskRemovedFromProject", 1),
    event_schema!("project", "ProjectCreated", 1),
    event_schema!("project", "ProjectRenamed", 1),
    event_schema!("project", "ProjectArchived", 1),
    event_schema!("project", "ProjectRestored", 1),
    event_schema!("project", "ProjectMemberAdded", 1),
    event_schema!("project", "ProjectMemberRemoved", 1),
];

/// The schema of one aggregate's snapshot `state` at one `STATE_VERSION`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateSchema {
    pub stream_type: &'static str,
    pub state_version: u32,
    /// The schema document, JSON text.
    pub json: &'static str,
}

/// Builds an entry from its coordinates, so the file path cannot disagree with them.
macro_rules! state_schema {
    ($stream_type:literal, $state_version:literal) => {
        StateSchema {
            stream_type: $stream_type,
            state_version: $state_version,
            json: include_str!(concat!(
                "../json/",
                $stream_type,
                "/state.v",
                $state_version,
                ".schema.json"
            )),
        }
    };
}

static STATE_SCHEMAS: [StateSchema; 2] = [state_schema!("task", 1), state_schema!("project", 1)];

static ENVELOPE_SCHEMA: &str = include_str!("../json/envelope.v1.schema.json");
static SNAPSHOT_SCHEMA: &str = include_str!("../json/snapshot.v1.schema.json");

/// Every event schema: each event type at each version, legacy versions included.
pub fn all() -> &'static [EventSchema] {
    &EVENT_SCHEMAS
}

/// The event schemas of one stream type (one aggregate), legacy versions included.
pub fn of_stream_type(stream_type: &str) -> impl Iterator<Item = &'static EventSchema> {
    EVENT_SCHEMAS
        .iter()
        .filter(move |schema| schema.stream_type == stream_type)
}

/// The schema of the envelope (`envelope.v1`), JSON text.
pub fn envelope_schema() -> &'static str {
    ENVELOPE_SCHEMA
}

/// The schema of the snapshot envelope (`snapshot.v1`), JSON text.
pub fn snapshot_schema() -> &'static str {
    SNAPSHOT_SCHEMA
}

/// Every snapshot state schema: each aggregate at each state version.
pub fn state_schemas() -> &'static [StateSchema] {
    &STATE_SCHEMAS
}

/// The schema of the `state` of `stream_type` snapshots at `state_version`, JSON text.
pub fn state_schema(stream_type: &str, state_version: u32) -> Option<&'static str> {
    STATE_SCHEMAS
        .iter()
        .find(|schema| schema.stream_type == stream_type && schema.state_version == state_version)
        .map(|schema| schema.json)
}

/// The schema of `event_type` at `version` in streams of `stream_type`, if there is one.
pub fn find(stream_type: &str, event_type: &str, version: u32) -> Option<&'static EventSchema> {
    EVENT_SCHEMAS.iter().find(|schema| {
        schema.stream_type == stream_type
            && schema.event_type == event_type
            && schema.version == version
    })
}
