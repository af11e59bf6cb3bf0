//! The read models' SQL. Each function is one query against the tables of
//! the version the request reads; filters are added only when given, so
//! each statement can use its index.

pub mod history;
pub mod projects;
pub mod stats;
pub mod tasks;

use platform::{ApiError, ErrorCode};

/// A database failure as the error contract shows it.
pub fn database_error(error: sqlx::Error) -> ApiError {
    tracing::error!(%error, "query failed");
    let undefined_table = error
        .as_database_error()
        .and_then(|error| error.code())
        .is_some_and(|code| code == "42P01");
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => ApiError::new(
            ErrorCode::DatabaseUnavailable,
            "the read models are unavailable; retry",
        ),
        // The version this request started on was dropped under it (only
        // possible with `projector drop --force` right after a switch): a
        // retry reads the live version.
        _ if undefined_table => ApiError::new(
            ErrorCode::DatabaseUnavailable,
            "the projection version being read was just dropped; retry",
        ),
        _ => ApiError::new(ErrorCode::Internal, "the query failed"),
    }
}
