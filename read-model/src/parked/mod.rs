//! Parked events: records a projection could not decode, upcast or apply,
//! kept in PostgreSQL with their bytes, and the later records of the same
//! streams kept behind them. How they are parked and released is the
//! projector's; this is the table.

mod raw_record;
mod store;

pub use raw_record::RawRecord;
pub use store::{
    PARKED, ParkedEvent, RETRIED, SKIPPED, ToPark, count_waiting, delete_all, get, is_waiting_at,
    list, mark_retried, mark_skipped, park_behind, park_failed, set_error, stream_for_update,
    waiting_by_projection, waiting_streams,
};
