use events::task::Task;

use crate::record::Record;

/// A task event with its envelope, decoded (and upcast) from a record.
pub type TaskRecord = Record<Task>;
