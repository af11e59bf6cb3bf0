//! The keys of the statistics tables' rows. Rows are split by source
//! partition so that workers of different partitions never update the same
//! row; readers sum over partitions.

use chrono::NaiveDate;

/// A row of `task_stats_vN`: tenant, status and source partition.
pub type StatusKey = (String, &'static str, i32);

/// A row of `task_daily_completions_vN`: tenant, UTC day and source partition.
pub type DayKey = (String, NaiveDate, i32);
