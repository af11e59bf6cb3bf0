//! The project aggregate: a named board that tasks live in, with members, and a
//! lifecycle active ⇄ archived (archiving is undone by `restore`).

mod aggregate;
mod codec;
mod command;
mod decide;
mod error;
mod event;
mod evolve;
mod parse;
pub mod rules;
mod state;

#[cfg(test)]
mod tests;

pub use command::ProjectCommand;
pub use decide::decide;
pub use error::ProjectError;
pub use event::{ProjectCreated, ProjectEvent};
pub use evolve::evolve;
pub use parse::parse_command;
pub use state::{Project, ProjectStatus};
