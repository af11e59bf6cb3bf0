//! The state of process manager `project_archival`: which projects are
//! archived and which project each task is in. Version N has
//! `project_archival_projects_vN` and `project_archival_tasks_vN`.

/// The process manager's name: in `projection_versions`, its versions' ids
/// (`project_archival.v1`) and `process_manager_commands`.
pub const NAME: &str = "project_archival";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectArchivalTables {
    pub projects: String,
    pub tasks: String,
}

impl ProjectArchivalTables {
    pub fn for_version(version: u32) -> Self {
        Self {
            projects: format!("project_archival_projects_v{version}"),
            tasks: format!("project_archival_tasks_v{version}"),
        }
    }

    pub fn all(&self) -> Vec<String> {
        vec![self.projects.clone(), self.tasks.clone()]
    }
}
