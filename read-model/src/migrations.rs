//! The read-model schema, embedded in the binary and applied at start-up by
//! the projector and by the query API, so either may start first.

use sqlx::PgPool;
use sqlx::migrate::{MigrateError, Migrator};

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Applies pending migrations. sqlx serialises concurrent runs with an
/// advisory lock, so several processes starting together is fine.
pub async fn run(pool: &PgPool) -> Result<(), MigrateError> {
    MIGRATOR.run(pool).await
}
