//! The machinery every projection shares: a consumer-group member on its own
//! thread per topic that seeks to the stored checkpoints, cuts the stream
//! into bounded batches, checks each stream's order and applies each batch
//! (parking what cannot be applied) and its checkpoints in one transaction.

pub mod apply;
pub mod batch;
mod context;
mod isolate;
pub mod metrics;
pub mod routing;
mod state;
pub mod stream_order;
mod worker;

pub use state::{PartitionReport, StatusReport, WorkerState};
pub use worker::{SpawnError, WorkerHandle, WorkerSettings, spawn};

/// The consumer group of projection version `projection` (`tasks.v2`) on
/// one of the topics it reads: `<prefix><projection>` when it reads one
/// topic, else `<prefix><projection>.<topic name>` for each. A group per
/// topic keeps every member of a group subscribed alike.
pub fn group_name(
    prefix: &str,
    projection: &str,
    topic_names: &[&str],
    topic_name: &str,
) -> String {
    match topic_names {
        [_] => format!("{prefix}{projection}"),
        _ => format!("{prefix}{projection}.{topic_name}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_projection_of_one_topic_keeps_one_group_and_one_of_several_has_one_per_topic() {
        assert_eq!(
            super::group_name("p-", "tasks.v2", &["tasks"], "tasks"),
            "p-tasks.v2"
        );
        assert_eq!(
            super::group_name("p-", "projects.v1", &["projects", "tasks"], "tasks"),
            "p-projects.v1.tasks"
        );
    }
}
