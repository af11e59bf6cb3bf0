//! The names of a version's tables (`projects_v1`, `projects_v2`, ...).

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectTables {
    /// One row per project.
    pub projects: String,
    /// One row per project event.
    pub history: String,
    /// One row per task: its project and status.
    pub tasks: String,
}

impl ProjectTables {
    pub fn for_version(version: u32) -> Self {
        Self {
            projects: format!("projects_v{version}"),
            history: format!("project_history_v{version}"),
            tasks: format!("project_tasks_v{version}"),
        }
    }

    pub fn all(&self) -> Vec<String> {
        vec![
            self.projects.clone(),
            self.history.clone(),
            self.tasks.clone(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_one_is_the_tables_of_its_migration() {
        assert_eq!(
            ProjectTables::for_version(1).all(),
            ["projects_v1", "project_history_v1", "project_tasks_v1"]
        );
    }
}
