//! The SQL of the `tasks` projection: one set-based statement per table and
//! batch, against the tables of the version being written.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use events::task::Task;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use read_model::tasks::{
    DayKey, HistoryRow, StatusKey, TaskRow, TaskTables, priority_from_str, status_from_str,
};

pub async fn load_tasks(
    connection: &mut PgConnection,
    tables: &TaskTables,
    task_ids: &[Uuid],
) -> Result<HashMap<Uuid, TaskRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT task_id, tenant_id, title, description, priority, due_date, assignee, tags, status,
                version, created_at, updated_at, completed_at, source_partition, source_offset,
                project_id
         FROM {} WHERE task_id = ANY($1)",
        tables.tasks
    ))
    .bind(task_ids)
    .fetch_all(&mut *connection)
    .await?;
    let mut tasks = HashMap::with_capacity(rows.len());
    for row in rows {
        let text = |column: &str| -> Result<String, sqlx::Error> { row.try_get(column) };
        let invalid = |column: &str, value: String| sqlx::Error::ColumnDecode {
            index: column.to_owned(),
            source: format!("unknown value {value:?}").into(),
        };
        let priority = text("priority")?;
        let status = text("status")?;
        let task = Task {
            created: true,
            title: text("title")?,
            description: row.try_get("description")?,
            priority: priority_from_str(&priority)
                .ok_or_else(|| invalid("priority", priority.clone()))?,
            due_date: row.try_get("due_date")?,
            assignee: row.try_get("assignee")?,
            tags: row.try_get("tags")?,
            status: status_from_str(&status).ok_or_else(|| invalid("status", status.clone()))?,
            project_id: row.try_get("project_id")?,
        };
        let task_row = TaskRow {
            task_id: row.try_get("task_id")?,
            tenant_id: text("tenant_id")?,
            task,
            version: row.try_get("version")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            completed_at: row.try_get("completed_at")?,
            source_partition: row.try_get("source_partition")?,
            source_offset: row.try_get("source_offset")?,
        };
        tasks.insert(task_row.task_id, task_row);
    }
    Ok(tasks)
}

pub async fn upsert_tasks(
    connection: &mut PgConnection,
    tables: &TaskTables,
    tasks: &[TaskRow],
) -> Result<(), sqlx::Error> {
    if tasks.is_empty() {
        return Ok(());
    }
    let column = |f: fn(&TaskRow) -> String| tasks.iter().map(f).collect::<Vec<_>>();
    let optional = |f: fn(&TaskRow) -> Option<String>| tasks.iter().map(f).collect::<Vec<_>>();
    let ids: Vec<Uuid> = tasks.iter().map(|t| t.task_id).collect();
    let due_dates: Vec<Option<NaiveDate>> = tasks.iter().map(|t| t.task.due_date).collect();
    // Rows of text[] of different lengths cannot form one 2-D array: each
    // row's tags travel as a JSON array and are unpacked in SQL.
    let tags: Vec<serde_json::Value> = tasks
        .iter()
        .map(|t| serde_json::json!(t.task.tags))
        .collect();
    let versions: Vec<i64> = tasks.iter().map(|t| t.version).collect();
    let created: Vec<DateTime<Utc>> = tasks.iter().map(|t| t.created_at).collect();
    let updated: Vec<DateTime<Utc>> = tasks.iter().map(|t| t.updated_at).collect();
    let completed: Vec<Option<DateTime<Utc>>> = tasks.iter().map(|t| t.completed_at).collect();
    let partitions: Vec<i32> = tasks.iter().map(|t| t.source_partition).collect();
    let offsets: Vec<i64> = tasks.iter().map(|t| t.source_offset).collect();
    let projects: Vec<Option<Uuid>> = tasks.iter().map(|t| t.task.project_id).collect();
    sqlx::query(&format!(
        "INSERT INTO {} (task_id, tenant_id, title, description, priority, due_date, assignee, tags,
                               status, version, created_at, updated_at, completed_at, source_partition, source_offset,
                               project_id)
         SELECT r.task_id, r.tenant_id, r.title, r.description, r.priority, r.due_date, r.assignee,
                ARRAY(SELECT jsonb_array_elements_text(r.tags)), r.status, r.version, r.created_at,
                r.updated_at, r.completed_at, r.source_partition, r.source_offset, r.project_id
         FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[],
                     $8::jsonb[], $9::text[], $10::int8[], $11::timestamptz[], $12::timestamptz[],
                     $13::timestamptz[], $14::int4[], $15::int8[], $16::uuid[])
              AS r(task_id, tenant_id, title, description, priority, due_date, assignee, tags, status,
                   version, created_at, updated_at, completed_at, source_partition, source_offset,
                   project_id)
         ON CONFLICT (task_id) DO UPDATE SET
             tenant_id = EXCLUDED.tenant_id, title = EXCLUDED.title, description = EXCLUDED.description,
             priority = EXCLUDED.priority, due_date = EXCLUDED.due_date, assignee = EXCLUDED.assignee,
             tags = EXCLUDED.tags, status = EXCLUDED.status, version = EXCLUDED.version,
             created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
             completed_at = EXCLUDED.completed_at, source_partition = EXCLUDED.source_partition,
             source_offset = EXCLUDED.source_offset, project_id = EXCLUDED.project_id",
        tables.tasks
    ))
    .bind(&ids)
    .bind(column(|t| t.tenant_id.clone()))
    .bind(column(|t| t.task.title.clone()))
    .bind(optional(|t| t.task.description.clone()))
    .bind(column(|t| t.task.priority.as_str().to_owned()))
    .bind(&due_dates)
    .bind(optional(|t| t.task.assignee.clone()))
    .bind(&tags)
    .bind(column(|t| t.task.status.as_str().to_owned()))
    .bind(&versions)
    .bind(&created)
    .bind(&updated)
    .bind(&completed)
    .bind(&partitions)
    .bind(&offsets)
    .bind(&projects)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

pub async fn insert_history(
    connection: &mut PgConnection,
    tables: &TaskTables,
    history: &[HistoryRow],
) -> Result<(), sqlx::Error> {
    crate::history::insert(connection, &tables.history, "task_id", history).await
}

pub async fn add_status_counts(
    connection: &mut PgConnection,
    tables: &TaskTables,
    deltas: &[(StatusKey, i64)],
) -> Result<(), sqlx::Error> {
    if deltas.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "INSERT INTO {table} AS s (tenant_id, status, source_partition, task_count)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::int4[], $4::int8[])
         ORDER BY 1, 2, 3
         ON CONFLICT (tenant_id, status, source_partition)
         DO UPDATE SET task_count = s.task_count + EXCLUDED.task_count",
        table = tables.stats
    ))
    .bind(
        deltas
            .iter()
            .map(|((tenant, _, _), _)| tenant.clone())
            .collect::<Vec<_>>(),
    )
    .bind(
        deltas
            .iter()
            .map(|((_, status, _), _)| status.to_string())
            .collect::<Vec<_>>(),
    )
    .bind(
        deltas
            .iter()
            .map(|((_, _, partition), _)| *partition)
            .collect::<Vec<_>>(),
    )
    .bind(deltas.iter().map(|(_, delta)| *delta).collect::<Vec<_>>())
    .execute(&mut *connection)
    .await?;
    Ok(())
}

pub async fn add_completions(
    connection: &mut PgConnection,
    tables: &TaskTables,
    completions: &[(DayKey, i64)],
) -> Result<(), sqlx::Error> {
    if completions.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "INSERT INTO {table} AS c (tenant_id, day, source_partition, completions)
         SELECT * FROM UNNEST($1::text[], $2::date[], $3::int4[], $4::int8[])
         ORDER BY 1, 2, 3
         ON CONFLICT (tenant_id, day, source_partition)
         DO UPDATE SET completions = c.completions + EXCLUDED.completions",
        table = tables.completions
    ))
    .bind(
        completions
            .iter()
            .map(|((tenant, _, _), _)| tenant.clone())
            .collect::<Vec<_>>(),
    )
    .bind(
        completions
            .iter()
            .map(|((_, day, _), _)| *day)
            .collect::<Vec<_>>(),
    )
    .bind(
        completions
            .iter()
            .map(|((_, _, partition), _)| *partition)
            .collect::<Vec<_>>(),
    )
    .bind(
        completions
            .iter()
            .map(|(_, count)| *count)
            .collect::<Vec<_>>(),
    )
    .execute(&mut *connection)
    .await?;
    Ok(())
}
