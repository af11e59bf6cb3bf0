//! Which partitions this instance writes, and who writes the others.
//! Ownership comes from one Kafka consumer group on the events topics of every
//! mounted aggregate: the group
//! assigns partitions, this instance runs a writer for each of its own, and
//! the group's description tells where every other partition lives (and,
//! with `COMMAND_STANDBY_REPLICAS`, which of them this instance follows).

mod assignment;
pub mod group_member;
mod group_view;
mod partition_owner;
mod registry;
mod routing;
mod standby_planner;

pub use group_member::GroupMember;
pub use partition_owner::PartitionOwner;
pub use registry::{OwnershipStatus, Registry};
pub use routing::RoutingTable;
pub use standby_planner::StandbyPlanner;

/// The consumer `client.id` carries the instance's URL so peers can forward to it.
const CLIENT_ID_PREFIX: &str = "command-api|";

pub fn client_id(advertised_url: &str) -> String {
    format!("{CLIENT_ID_PREFIX}{advertised_url}")
}

pub fn url_from_client_id(client_id: &str) -> Option<&str> {
    client_id.strip_prefix(CLIENT_ID_PREFIX)
}
