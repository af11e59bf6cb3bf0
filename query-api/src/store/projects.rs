use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use read_model::projects::ProjectTables;
use serde::Serialize;
use sqlx::{PgPool, Postgres, QueryBuilder, Row};
use uuid::Uuid;

/// A project as the API shows it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ProjectView {
    pub project_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub status: String,
    /// Subjects, in the order they were added.
    pub members: Vec<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str =
    "project_id, name, description, status, members, version, created_at, updated_at, archived_at";

#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    pub tenant_id: String,
    pub status: Option<String>,
}

/// Where a page starts and how long it is, newest first in (created_at, project_id) order.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub after: Option<(DateTime<Utc>, Uuid)>,
    pub limit: i64,
}

pub async fn get(
    pool: &PgPool,
    tables: &ProjectTables,
    tenant_id: &str,
    project_id: Uuid,
) -> Result<Option<ProjectView>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM {} WHERE project_id = $1 AND tenant_id = $2",
        tables.projects
    ))
    .bind(project_id)
    .bind(tenant_id)
    .fetch_optional(pool)
    .await
}

/// Up to `limit + 1` projects: the extra one tells the caller a next page exists.
pub async fn list(
    pool: &PgPool,
    tables: &ProjectTables,
    filter: &ProjectFilter,
    page: &PageRequest,
) -> Result<Vec<ProjectView>, sqlx::Error> {
    let mut query: QueryBuilder<Postgres> = QueryBuilder::new(format!(
        "SELECT {COLUMNS} FROM {} WHERE tenant_id = ",
        tables.projects
    ));
    query.push_bind(filter.tenant_id.clone());
    if let Some(status) = &filter.status {
        query.push(" AND status = ").push_bind(status.clone());
    }
    if let Some((created_at, project_id)) = page.after {
        query
            .push(" AND (created_at, project_id) < (")
            .push_bind(created_at)
            .push(", ")
            .push_bind(project_id)
            .push(")");
    }
    query
        .push(" ORDER BY created_at DESC, project_id DESC LIMIT ")
        .push_bind(page.limit + 1);
    query.build_query_as().fetch_all(pool).await
}

/// The project's tasks per status. Only tasks of the project's own tenant
/// count: a task of another tenant naming the project id is not in it.
pub async fn task_counts(
    pool: &PgPool,
    tables: &ProjectTables,
    tenant_id: &str,
    project_id: Uuid,
) -> Result<BTreeMap<String, i64>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT status, COUNT(*)::int8 FROM {} WHERE tenant_id = $1 AND project_id = $2 GROUP BY status",
        tables.tasks
    ))
    .bind(tenant_id)
    .bind(project_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
}
