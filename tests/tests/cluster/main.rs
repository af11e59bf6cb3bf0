//! The cluster fault suite: the platform on the 3-node KRaft cluster of
//! `scripts/cluster.sh` (replication factor 3, `min.insync.replicas=2`),
//! under command load from many concurrent HTTP clients, while brokers,
//! the active controller and a command API process are killed with SIGKILL.
//! Afterwards the log must hold every acknowledged command exactly once, no
//! retried one twice, contiguous stream versions, and a read model equal to
//! an independent fold of the log.
//!
//! Ignored by the default `cargo test`: `scripts/test.sh --cluster` starts
//! the cluster and runs it (one test at a time, figures printed).

mod api_failover;
mod broker_faults;
mod history;
mod ledger;
mod load;
mod nodes;
mod restore_degraded;
