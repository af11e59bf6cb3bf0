//! Parked events: records a projection could not decode, upcast or apply,
//! kept in PostgreSQL with their bytes, and the later records of the same
//! streams kept behind them, so each stream stays in order while the other
//! streams of the partition flow. An operator retries them after a fix or
//! skips them (see `projector parked`).

mod release;
mod store;

pub use release::{ReleaseError, Released, StillParked, retry, skip};
pub use store::{
    PARKED, ParkedEvent, RETRIED, SKIPPED, ToPark, count_waiting, delete_all, get, is_waiting_at,
    list, park_behind, park_failed, waiting_by_projection, waiting_streams,
};
