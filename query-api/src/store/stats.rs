use std::collections::BTreeMap;

use chrono::NaiveDate;
use read_model::tasks::TaskTables;
use serde::Serialize;
use sqlx::{PgPool, Row};

#[derive(Debug, Clone, Serialize)]
pub struct DailyCompletions {
    pub day: NaiveDate,
    pub completions: i64,
}

/// Tasks per status of a tenant (the rows are split by source partition).
pub async fn counts_by_status(
    pool: &PgPool,
    tables: &TaskTables,
    tenant_id: &str,
) -> Result<BTreeMap<String, i64>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT status, SUM(task_count)::int8 FROM {} WHERE tenant_id = $1 GROUP BY status",
        tables.stats
    ))
    .bind(tenant_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
}

/// Completions per UTC day of a tenant, within [from, to] when given.
pub async fn completions_per_day(
    pool: &PgPool,
    tables: &TaskTables,
    tenant_id: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<DailyCompletions>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT day, SUM(completions)::int8 FROM {}
         WHERE tenant_id = $1 AND ($2::date IS NULL OR day >= $2) AND ($3::date IS NULL OR day <= $3)
         GROUP BY day ORDER BY day",
        tables.completions
    ))
    .bind(tenant_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(DailyCompletions {
                day: row.try_get(0)?,
                completions: row.try_get(1)?,
            })
        })
        .collect()
}
