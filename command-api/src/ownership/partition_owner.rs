//! What the group member needs of one mounted aggregate's writers. One member
//! serves every mounted aggregate, each owning the partitions of its topic.

use events::Aggregate;

use super::Registry;

pub trait PartitionOwner: Send + Sync {
    /// The events topic whose partitions this owner writes.
    fn topic(&self) -> &str;
    fn assign(&self, partitions: &[i32]);
    fn revoke(&self, partitions: &[i32]);
    fn revoke_all(&self);
    fn replace_dead_writers(&self);
    /// Keeps standby copies of exactly these partitions (the owned ones aside).
    fn stand_by(&self, partitions: &[i32]);
}

impl<A: Aggregate> PartitionOwner for Registry<A> {
    fn topic(&self) -> &str {
        Registry::topic(self)
    }

    fn assign(&self, partitions: &[i32]) {
        Registry::assign(self, partitions);
    }

    fn revoke(&self, partitions: &[i32]) {
        Registry::revoke(self, partitions);
    }

    fn revoke_all(&self) {
        Registry::revoke_all(self);
    }

    fn replace_dead_writers(&self) {
        Registry::replace_dead_writers(self);
    }

    fn stand_by(&self, partitions: &[i32]) {
        Registry::stand_by(self, partitions);
    }
}
