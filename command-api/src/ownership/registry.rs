//! The writers this instance runs, keyed by partition, and the standby
//! copies it keeps of partitions it does not own. A partition never has both:
//! its standby copy stops before its writer starts, as both write the
//! partition's part of the state store.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use events::Aggregate;

use crate::writer::key_claims::ClaimRequest;
use crate::writer::{CommandRequest, PartitionWriter, StandbyCopy, WriterHandle, WriterSettings};

pub struct Registry<A: Aggregate> {
    settings: WriterSettings,
    writers: Mutex<HashMap<i32, WriterHandle<A>>>,
    /// Locked after `writers` when both are needed.
    standbys: Mutex<HashMap<i32, StandbyCopy>>,
    /// Set once the group has given this member its first assignment.
    joined: AtomicBool,
}

/// What `/readyz` needs to know about ownership.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OwnershipStatus {
    pub joined: bool,
    pub owned: Vec<i32>,
    pub restoring: Vec<i32>,
    /// Partitions of other instances this one keeps a standby copy of.
    pub standby: Vec<i32>,
}

impl<A: Aggregate> Registry<A> {
    pub fn new(settings: WriterSettings) -> Self {
        Self {
            settings,
            writers: Mutex::new(HashMap::new()),
            standbys: Mutex::new(HashMap::new()),
            joined: AtomicBool::new(false),
        }
    }

    pub fn topic(&self) -> &str {
        &self.settings.topic
    }

    pub fn assign(&self, partitions: &[i32]) {
        let mut writers = self.writers.lock().expect("registry lock");
        for &partition in partitions {
            if writers.contains_key(&partition) {
                continue;
            }
            // Brief (a poll and a store write): the copy is where the writer's restore starts.
            let standby = self
                .standbys
                .lock()
                .expect("standby lock")
                .remove(&partition);
            if let Some(standby) = standby {
                standby.stop();
            }
            writers.insert(
                partition,
                PartitionWriter::spawn(partition, self.settings.clone()),
            );
        }
        self.joined.store(true, Ordering::Release);
        metrics::gauge!("command_api_owned_partitions", "topic" => self.settings.topic.clone())
            .set(writers.len() as f64);
    }

    /// Stops the writers of partitions this member no longer owns; each
    /// finishes its batch in flight first.
    pub fn revoke(&self, partitions: &[i32]) {
        let stopped: Vec<_> = {
            let mut writers = self.writers.lock().expect("registry lock");
            let stopped = partitions
                .iter()
                .filter_map(|p| writers.remove(p))
                .collect();
            metrics::gauge!("command_api_owned_partitions", "topic" => self.settings.topic.clone())
                .set(writers.len() as f64);
            stopped
        };
        for writer in stopped {
            writer.stop();
        }
    }

    pub fn revoke_all(&self) {
        let partitions: Vec<i32> = self
            .writers
            .lock()
            .expect("registry lock")
            .keys()
            .copied()
            .collect();
        self.revoke(&partitions);
        self.stand_by(&[]);
    }

    /// Keeps standby copies of `partitions`, except those this instance owns,
    /// and stops every other. A copy that ended (it met a snapshot it cannot
    /// read, which the takeover's restore handles) is not started again.
    pub fn stand_by(&self, partitions: &[i32]) {
        let writers = self.writers.lock().expect("registry lock");
        let mut standbys = self.standbys.lock().expect("standby lock");
        let wanted: HashSet<i32> = partitions
            .iter()
            .copied()
            .filter(|p| !writers.contains_key(p))
            .collect();
        let unwanted: Vec<i32> = standbys
            .keys()
            .copied()
            .filter(|p| !wanted.contains(p))
            .collect();
        let stopped: Vec<StandbyCopy> =
            unwanted.iter().filter_map(|p| standbys.remove(p)).collect();
        for partition in wanted {
            standbys
                .entry(partition)
                .or_insert_with(|| StandbyCopy::start::<A>(&self.settings, partition));
        }
        metrics::gauge!("command_api_standby_partitions", "topic" => self.settings.topic.clone())
            .set(standbys.len() as f64);
        drop(standbys);
        drop(writers);
        for standby in stopped {
            standby.stop();
        }
    }

    /// A writer that died while its partition is still ours (e.g. a failed
    /// transaction) is replaced: the new one re-fences and restores.
    pub fn replace_dead_writers(&self) {
        let mut writers = self.writers.lock().expect("registry lock");
        for (partition, writer) in writers.iter_mut() {
            if !writer.is_running() {
                tracing::info!(partition, "restarting the partition writer");
                *writer = PartitionWriter::spawn(*partition, self.settings.clone());
            }
        }
    }

    /// Hands the request to the partition's writer, or gives it back when
    /// this instance does not own the partition.
    #[allow(clippy::result_large_err)]
    pub fn submit(
        &self,
        partition: i32,
        request: CommandRequest<A>,
    ) -> Result<(), CommandRequest<A>> {
        let writers = self.writers.lock().expect("registry lock");
        match writers.get(&partition) {
            Some(writer) => writer.submit(request),
            None => Err(request),
        }
    }

    /// Hands a key claim to the partition's writer, or gives it back when
    /// this instance does not own the partition.
    pub fn claim(&self, partition: i32, request: ClaimRequest) -> Result<(), ClaimRequest> {
        let writers = self.writers.lock().expect("registry lock");
        match writers.get(&partition) {
            Some(writer) => writer.claim(request),
            None => Err(request),
        }
    }

    pub fn owns(&self, partition: i32) -> bool {
        self.writers
            .lock()
            .expect("registry lock")
            .contains_key(&partition)
    }

    pub fn status(&self) -> OwnershipStatus {
        let writers = self.writers.lock().expect("registry lock");
        let mut owned: Vec<i32> = writers.keys().copied().collect();
        owned.sort_unstable();
        let restoring = owned
            .iter()
            .copied()
            .filter(|p| !writers[p].is_ready())
            .collect();
        let mut standby: Vec<i32> = self
            .standbys
            .lock()
            .expect("standby lock")
            .keys()
            .copied()
            .collect();
        standby.sort_unstable();
        OwnershipStatus {
            joined: self.joined.load(Ordering::Acquire),
            owned,
            restoring,
            standby,
        }
    }
}
