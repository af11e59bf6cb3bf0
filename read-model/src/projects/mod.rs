//! The tables of projection `projects`, which reads two topics: the current
//! state of every project and its audit trail from `events.projects`, and
//! each task's project and status from `events.tasks`, for the per-project
//! task counts. Version N has `projects_vN`, `project_history_vN` and
//! `project_tasks_vN`.

mod row;
mod tables;

pub use crate::history::HistoryRow;
pub use row::{ProjectRow, ProjectTaskRow, project_status_from_str};
pub use tables::ProjectTables;

/// The projection's name: in `projection_versions` and its versions' ids (`projects.v1`).
pub const NAME: &str = "projects";
