//! The records of the two topics the `projects` projection reads.

use events::project::Project;
use events::task::Task;
use events::{Aggregate, Envelope};

use crate::record::{ProjectedEvent, Record};

#[derive(Debug, Clone)]
pub enum ProjectsRecord {
    Project(Record<Project>),
    Task(Record<Task>),
}

impl ProjectsRecord {
    /// Decodes a record of either topic by its envelope's stream type.
    pub fn decode(value: Option<&[u8]>) -> Result<Self, String> {
        let value = value.ok_or("the record has no value")?;
        let envelope = Envelope::from_wire_bytes(value).map_err(|error| error.to_string())?;
        match envelope.stream_type.as_str() {
            Project::STREAM_TYPE => Record::from_envelope(envelope).map(Self::Project),
            Task::STREAM_TYPE => Record::from_envelope(envelope).map(Self::Task),
            other => Err(format!(
                "stream type {other:?} is neither {:?} nor {:?}",
                Project::STREAM_TYPE,
                Task::STREAM_TYPE
            )),
        }
    }
}

impl ProjectedEvent for ProjectsRecord {
    fn envelope(&self) -> &Envelope {
        match self {
            Self::Project(record) => record.envelope(),
            Self::Task(record) => record.envelope(),
        }
    }

    fn starts_stream(&self) -> bool {
        match self {
            Self::Project(record) => record.starts_stream(),
            Self::Task(record) => record.starts_stream(),
        }
    }
}
