//! Process managers' tables: the commands they decided (`commands`, one
//! table for all of them) and the state of each (`project_archival`).

pub mod commands;
pub mod project_archival;

pub use commands::{CommandToSend, PendingCommand};
