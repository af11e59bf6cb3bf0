use chrono::{DateTime, NaiveDate, Utc};
use read_model::tasks::TaskTables;
use serde::Serialize;
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

/// A task as the API shows it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TaskView {
    pub task_id: Uuid,
    pub tenant_id: String,
    pub title: String,
    pub description: Option<String>,
    pub priority: String,
    pub due_date: Option<NaiveDate>,
    pub assignee: Option<String>,
    pub tags: Vec<String>,
    pub status: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub project_id: Option<Uuid>,
}

const COLUMNS: &str = "task_id, tenant_id, title, description, priority, due_date, assignee, tags, status, \
                       version, created_at, updated_at, completed_at, project_id";

#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub tenant_id: String,
    pub statuses: Vec<String>,
    pub priorities: Vec<String>,
    pub assignee: Option<String>,
    pub project_id: Option<Uuid>,
    /// Tasks carrying every one of these tags.
    pub tags: Vec<String>,
    pub due_before: Option<NaiveDate>,
    pub due_after: Option<NaiveDate>,
    /// A `to_tsquery('simple', …)` expression built from the title search.
    pub title_query: Option<String>,
}

/// Where a page starts and how long it is, in (created_at, task_id) order.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub after: Option<(DateTime<Utc>, Uuid)>,
    pub descending: bool,
    pub limit: i64,
}

pub async fn get(
    pool: &PgPool,
    tables: &TaskTables,
    tenant_id: &str,
    task_id: Uuid,
) -> Result<Option<TaskView>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM {} WHERE task_id = $1 AND tenant_id = $2",
        tables.tasks
    ))
    .bind(task_id)
    .bind(tenant_id)
    .fetch_optional(pool)
    .await
}

/// Up to `limit + 1` tasks: the extra one tells the caller a next page exists.
pub async fn list(
    pool: &PgPool,
    tables: &TaskTables,
    filter: &TaskFilter,
    page: &PageRequest,
) -> Result<Vec<TaskView>, sqlx::Error> {
    let mut query: QueryBuilder<Postgres> = QueryBuilder::new(format!(
        "SELECT {COLUMNS} FROM {} WHERE tenant_id = ",
        tables.tasks
    ));
    query.push_bind(filter.tenant_id.clone());
    if !filter.statuses.is_empty() {
        query
            .push(" AND status = ANY(")
            .push_bind(filter.statuses.clone())
            .push(")");
    }
    if !filter.priorities.is_empty() {
        query
            .push(" AND priority = ANY(")
            .push_bind(filter.priorities.clone())
            .push(")");
    }
    if let Some(assignee) = &filter.assignee {
        query.push(" AND assignee = ").push_bind(assignee.clone());
    }
    if let Some(project_id) = filter.project_id {
        query.push(" AND project_id = ").push_bind(project_id);
    }
    if !filter.tags.is_empty() {
        query.push(" AND tags @> ").push_bind(filter.tags.clone());
    }
    if let Some(date) = filter.due_before {
        query.push(" AND due_date < ").push_bind(date);
    }
    if let Some(date) = filter.due_after {
        query.push(" AND due_date > ").push_bind(date);
    }
    if let Some(title_query) = &filter.title_query {
        query
            .push(" AND title_search @@ to_tsquery('simple', ")
            .push_bind(title_query.clone())
            .push(")");
    }
    let (comparison, order) = if page.descending {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    if let Some((created_at, task_id)) = page.after {
        query
            .push(format!(" AND (created_at, task_id) {comparison} ("))
            .push_bind(created_at)
            .push(", ")
            .push_bind(task_id)
            .push(")");
    }
    query
        .push(format!(
            " ORDER BY created_at {order}, task_id {order} LIMIT "
        ))
        .push_bind(page.limit + 1);
    query.build_query_as().fetch_all(pool).await
}
