//! Telling a record the database refuses apart from a database in trouble.

/// True when PostgreSQL refused the statement because of the data it was
/// given: a data exception (class 22, e.g. a NUL character in text), an
/// integrity constraint violation (23) or a program limit (54, e.g. an index
/// row too large). Retrying the same records cannot succeed, so the record
/// responsible is parked. Anything else (connections, deadlocks, a database
/// shutting down) is worth retrying.
pub fn refused_for_its_data(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|error| error.code())
        .is_some_and(|code| {
            ["22", "23", "54"]
                .iter()
                .any(|class| code.starts_with(class))
        })
}
