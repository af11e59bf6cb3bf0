//! The SQL of the `projects` projection: one set-based statement per table
//! and batch, against the tables of the version being written.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use events::project::Project;
use read_model::projects::{ProjectRow, ProjectTables, ProjectTaskRow, project_status_from_str};
use read_model::tasks::status_from_str;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

fn unknown(column: &str, value: String) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("unknown value {value:?}").into(),
    }
}

pub async fn load_projects(
    connection: &mut PgConnection,
    tables: &ProjectTables,
    project_ids: &[Uuid],
) -> Result<HashMap<Uuid, ProjectRow>, sqlx::Error> {
    if project_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = sqlx::query(&format!(
        "SELECT project_id, tenant_id, name, description, status, members, version,
                created_at, updated_at, archived_at, source_partition, source_offset
         FROM {} WHERE project_id = ANY($1)",
        tables.projects
    ))
    .bind(project_ids)
    .fetch_all(&mut *connection)
    .await?;
    let mut projects = HashMap::with_capacity(rows.len());
    for row in rows {
        let status: String = row.try_get("status")?;
        let project = Project {
            created: true,
            name: row.try_get("name")?,
            description: row.try_get("description")?,
            members: row.try_get("members")?,
            status: project_status_from_str(&status).ok_or_else(|| unknown("status", status))?,
        };
        let project_row = ProjectRow {
            project_id: row.try_get("project_id")?,
            tenant_id: row.try_get("tenant_id")?,
            project,
            version: row.try_get("version")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            archived_at: row.try_get("archived_at")?,
            source_partition: row.try_get("source_partition")?,
            source_offset: row.try_get("source_offset")?,
        };
        projects.insert(project_row.project_id, project_row);
    }
    Ok(projects)
}

pub async fn upsert_projects(
    connection: &mut PgConnection,
    tables: &ProjectTables,
    projects: &[ProjectRow],
) -> Result<(), sqlx::Error> {
    if projects.is_empty() {
        return Ok(());
    }
    let times = |f: fn(&ProjectRow) -> DateTime<Utc>| projects.iter().map(f).collect::<Vec<_>>();
    // Rows of text[] of different lengths cannot form one 2-D array: each
    // row's members travel as a JSON array and are unpacked in SQL.
    let members: Vec<serde_json::Value> = projects
        .iter()
        .map(|p| serde_json::json!(p.project.members))
        .collect();
    sqlx::query(&format!(
        "INSERT INTO {} (project_id, tenant_id, name, description, status, members, version,
                         created_at, updated_at, archived_at, source_partition, source_offset)
         SELECT r.project_id, r.tenant_id, r.name, r.description, r.status,
                ARRAY(SELECT jsonb_array_elements_text(r.members)), r.version, r.created_at,
                r.updated_at, r.archived_at, r.source_partition, r.source_offset
         FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[],
                     $7::int8[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[],
                     $11::int4[], $12::int8[])
              AS r(project_id, tenant_id, name, description, status, members, version,
                   created_at, updated_at, archived_at, source_partition, source_offset)
         ON CONFLICT (project_id) DO UPDATE SET
             name = EXCLUDED.name, description = EXCLUDED.description, status = EXCLUDED.status,
             members = EXCLUDED.members, version = EXCLUDED.version,
             updated_at = EXCLUDED.updated_at, archived_at = EXCLUDED.archived_at,
             source_partition = EXCLUDED.source_partition, source_offset = EXCLUDED.source_offset",
        tables.projects
    ))
    .bind(projects.iter().map(|p| p.project_id).collect::<Vec<_>>())
    .bind(
        projects
            .iter()
            .map(|p| p.tenant_id.clone())
            .collect::<Vec<_>>(),
    )
    .bind(
        projects
            .iter()
            .map(|p| p.project.name.clone())
            .collect::<Vec<_>>(),
    )
    .bind(
        projects
            .iter()
            .map(|p| p.project.description.clone())
            .collect::<Vec<_>>(),
    )
    .bind(
        projects
            .iter()
            .map(|p| p.project.status.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(&members)
    .bind(projects.iter().map(|p| p.version).collect::<Vec<_>>())
    .bind(times(|p| p.created_at))
    .bind(times(|p| p.updated_at))
    .bind(projects.iter().map(|p| p.archived_at).collect::<Vec<_>>())
    .bind(
        projects
            .iter()
            .map(|p| p.source_partition)
            .collect::<Vec<_>>(),
    )
    .bind(projects.iter().map(|p| p.source_offset).collect::<Vec<_>>())
    .execute(&mut *connection)
    .await?;
    Ok(())
}

pub async fn load_tasks(
    connection: &mut PgConnection,
    tables: &ProjectTables,
    task_ids: &[Uuid],
) -> Result<HashMap<Uuid, ProjectTaskRow>, sqlx::Error> {
    if task_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = sqlx::query(&format!(
        "SELECT task_id, tenant_id, project_id, status, version FROM {} WHERE task_id = ANY($1)",
        tables.tasks
    ))
    .bind(task_ids)
    .fetch_all(&mut *connection)
    .await?;
    let mut tasks = HashMap::with_capacity(rows.len());
    for row in rows {
        let status: String = row.try_get("status")?;
        let task = ProjectTaskRow {
            task_id: row.try_get("task_id")?,
            tenant_id: row.try_get("tenant_id")?,
            project_id: row.try_get("project_id")?,
            status: status_from_str(&status).ok_or_else(|| unknown("status", status))?,
            version: row.try_get("version")?,
        };
        tasks.insert(task.task_id, task);
    }
    Ok(tasks)
}

pub async fn upsert_tasks(
    connection: &mut PgConnection,
    tables: &ProjectTables,
    tasks: &[ProjectTaskRow],
) -> Result<(), sqlx::Error> {
    if tasks.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "INSERT INTO {} (task_id, tenant_id, project_id, status, version)
         SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::int8[])
         ON CONFLICT (task_id) DO UPDATE SET
             project_id = EXCLUDED.project_id, status = EXCLUDED.status, version = EXCLUDED.version",
        tables.tasks
    ))
    .bind(tasks.iter().map(|t| t.task_id).collect::<Vec<_>>())
    .bind(tasks.iter().map(|t| t.tenant_id.clone()).collect::<Vec<_>>())
    .bind(tasks.iter().map(|t| t.project_id).collect::<Vec<_>>())
    .bind(tasks.iter().map(|t| t.status.as_str()).collect::<Vec<_>>())
    .bind(tasks.iter().map(|t| t.version).collect::<Vec<_>>())
    .execute(&mut *connection)
    .await?;
    Ok(())
}
