//! Creating and dropping a version's tables. A new version's tables are
//! created like the live version's (columns, defaults, generated columns,
//! constraints, indexes), so every version has the same shape by construction.

use sqlx::PgConnection;

/// Table names are built by the projections from fixed names and a version
/// number; quoting them keeps that an invariant rather than an assumption.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Creates each table of `to` like the table at the same place in `like`.
pub async fn create_like(
    transaction: &mut PgConnection,
    like: &[String],
    to: &[String],
) -> Result<(), sqlx::Error> {
    for (source, target) in like.iter().zip(to) {
        sqlx::query(&format!(
            "CREATE TABLE {} (LIKE {} INCLUDING ALL)",
            quoted(target),
            quoted(source)
        ))
        .execute(&mut *transaction)
        .await?;
    }
    Ok(())
}

pub async fn drop_tables(
    transaction: &mut PgConnection,
    tables: &[String],
) -> Result<(), sqlx::Error> {
    for table in tables {
        sqlx::query(&format!("DROP TABLE IF EXISTS {}", quoted(table)))
            .execute(&mut *transaction)
            .await?;
    }
    Ok(())
}
