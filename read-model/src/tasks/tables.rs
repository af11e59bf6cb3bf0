//! The names of a version's tables: every table of the `tasks` projection
//! carries the version, so versions live side by side (`tasks_v1`, `tasks_v2`).

/// The table names of one version of the `tasks` projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskTables {
    /// One row per task.
    pub tasks: String,
    /// One row per event.
    pub history: String,
    /// Tasks per tenant, status and source partition.
    pub stats: String,
    /// Completions per tenant, day and source partition.
    pub completions: String,
}

impl TaskTables {
    pub fn for_version(version: u32) -> Self {
        Self {
            tasks: format!("tasks_v{version}"),
            history: format!("task_history_v{version}"),
            stats: format!("task_stats_v{version}"),
            completions: format!("task_daily_completions_v{version}"),
        }
    }

    pub fn all(&self) -> Vec<String> {
        vec![
            self.tasks.clone(),
            self.history.clone(),
            self.stats.clone(),
            self.completions.clone(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_one_is_the_tables_of_the_first_migration() {
        assert_eq!(
            TaskTables::for_version(1).all(),
            [
                "tasks_v1",
                "task_history_v1",
                "task_stats_v1",
                "task_daily_completions_v1"
            ]
        );
    }
}
