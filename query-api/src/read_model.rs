//! Which version of a projection (`tasks`, `projects`) a request reads.
//! Looked up once per request (in `LiveVersions`, the process's cache of
//! `projection_versions`, kept current by `LISTEN`) and used for every statement
//! of it and for its consistency wait: a request never mixes versions, and a
//! switch (`projector rebuild`, `rollback`) takes effect from the next
//! request on. Each route reads one projection.

use read_model::projects::{self, ProjectTables};
use read_model::tasks::{self, TaskTables};

use crate::live_versions::LiveVersions;
use crate::topics::EventTopics;

/// Response header naming the version that served the request (`tasks.v2`).
pub const VERSION_HEADER: &str = "x-projection-version";

/// A projection the query API serves: its name, its tables at a version,
/// and the topics it folds (whose positions a read of it waits for).
pub trait Projection: Sized {
    const NAME: &'static str;

    fn tables(version: u32) -> Self;

    fn reads(topics: &EventTopics) -> Vec<String>;
}

impl Projection for TaskTables {
    const NAME: &'static str = tasks::NAME;

    fn tables(version: u32) -> Self {
        TaskTables::for_version(version)
    }

    fn reads(topics: &EventTopics) -> Vec<String> {
        vec![topics.tasks.clone()]
    }
}

/// Cross-aggregate: the projects, and the tasks for the per-project counts.
impl Projection for ProjectTables {
    const NAME: &'static str = projects::NAME;

    fn tables(version: u32) -> Self {
        ProjectTables::for_version(version)
    }

    fn reads(topics: &EventTopics) -> Vec<String> {
        vec![topics.projects.clone(), topics.tasks.clone()]
    }
}

#[derive(Debug, Clone)]
pub struct ReadModel<T> {
    /// `tasks.v2`: whose checkpoints the consistency wait follows.
    pub projection: String,
    pub version: u32,
    pub tables: T,
    /// The topics this version folds; positions on other topics are not its to wait for.
    pub topics: Vec<String>,
}

pub type TasksModel = ReadModel<TaskTables>;
pub type ProjectsModel = ReadModel<ProjectTables>;

#[derive(Debug, thiserror::Error)]
pub enum ReadModelError {
    #[error("no version of the {0} projection is live")]
    NoLiveVersion(&'static str),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl<T: Projection> ReadModel<T> {
    pub fn of_version(version: u32, topics: &EventTopics) -> Self {
        Self {
            projection: format!("{}.v{version}", T::NAME),
            version,
            tables: T::tables(version),
            topics: T::reads(topics),
        }
    }

    /// The version the query API serves now (from the process's cache).
    pub async fn live(live: &LiveVersions, topics: &EventTopics) -> Result<Self, ReadModelError> {
        let version = live
            .of(T::NAME)
            .await?
            .ok_or(ReadModelError::NoLiveVersion(T::NAME))?;
        Ok(Self::of_version(version, topics))
    }
}

impl<T> ReadModel<T> {
    /// Whether this version folds `topic`.
    pub fn reads(&self, topic: &str) -> bool {
        self.topics.iter().any(|read| read == topic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_projection_names_its_version_tables_and_topics() {
        let topics = EventTopics::with_prefix("events.");
        let tasks = TasksModel::of_version(2, &topics);
        assert_eq!(tasks.projection, "tasks.v2");
        assert_eq!(tasks.tables.tasks, "tasks_v2");
        assert!(tasks.reads("events.tasks") && !tasks.reads("events.projects"));
        let projects = ProjectsModel::of_version(1, &topics);
        assert_eq!(projects.projection, "projects.v1");
        assert_eq!(projects.tables.tasks, "project_tasks_v1");
        assert!(projects.reads("events.tasks") && projects.reads("events.projects"));
    }
}
