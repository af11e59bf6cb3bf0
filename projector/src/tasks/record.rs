use events::task::{Task, TaskEvent};
use events::{Aggregate, Envelope};

/// A task event with its envelope, decoded (and upcast) from a record.
#[derive(Debug, Clone)]
pub struct TaskRecord {
    pub envelope: Envelope,
    pub event: TaskEvent,
}

impl TaskRecord {
    pub fn decode(value: Option<&[u8]>) -> Result<Self, String> {
        let value = value.ok_or("the record has no value")?;
        let envelope = Envelope::from_wire_bytes(value).map_err(|error| error.to_string())?;
        if envelope.stream_type != Task::STREAM_TYPE {
            return Err(format!(
                "stream type {:?} is not {:?}",
                envelope.stream_type,
                Task::STREAM_TYPE
            ));
        }
        let event = envelope
            .decode::<TaskEvent>()
            .map_err(|error| error.to_string())?;
        Ok(Self { envelope, event })
    }
}
