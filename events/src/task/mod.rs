//! The task aggregate: a to-do item with a title, optional details, tags and a
//! lifecycle open → completed → (reopened) → archived.

mod aggregate;
mod codec;
mod command;
mod decide;
mod error;
mod event;
mod evolve;
mod normalize;
mod parse;
mod priority;
pub mod rules;
mod state;
mod status;
mod upcast;

#[cfg(test)]
mod tests;

pub use command::{CreateTask, TaskCommand};
pub use decide::decide;
pub use error::TaskError;
pub use event::{TaskCreated, TaskEvent};
pub use evolve::evolve;
pub use parse::parse_command;
pub use priority::Priority;
pub use state::Task;
pub use status::TaskStatus;
