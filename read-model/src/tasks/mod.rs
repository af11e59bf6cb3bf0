//! The tables of projection `tasks`: the current state of every task, its
//! audit trail and per-tenant statistics. Version N has `tasks_vN`,
//! `task_history_vN`, `task_stats_vN` and `task_daily_completions_vN`.

mod row;
mod stats;
mod tables;

pub use crate::history::HistoryRow;
pub use row::{TaskRow, priority_from_str, status_from_str};
pub use stats::{DayKey, StatusKey};
pub use tables::TaskTables;

/// The projection's name: in `projection_versions` and its versions' ids (`tasks.v1`).
pub const NAME: &str = "tasks";
