//! proptest strategies for everything the domain can produce, for this crate's tests
//! and — behind the `testing` feature — for other crates' tests (e.g. `schemas` checks
//! that every event the domain can emit validates against its JSON Schema).

mod envelope;
mod project;
mod task;
#[cfg(test)]
mod tests;

pub use envelope::{command_metadata, occurred_at, task_envelope};
pub use project::{any_project_command, one_project_event_of_each_type, project_command_sequence};
pub use task::{
    any_task_command, assignee, description, due_date, one_task_event_of_each_type, priority, tag,
    tags, task_command_sequence, task_event, title, valid_create_command,
};
