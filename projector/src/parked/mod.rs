//! Parked events: records a projection could not decode, upcast or apply,
//! kept in PostgreSQL with their bytes (`read_model::parked`), and the later
//! records of the same streams kept behind them, so each stream stays in
//! order while the other streams of the partition flow. An operator retries
//! them after a fix or skips them (see `projector parked`): that is here.

mod release;

pub use release::{ReleaseError, Released, StillParked, retry, skip};
