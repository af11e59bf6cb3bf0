//! The SQL of process manager `project_archival`, against the tables of the
//! version being written.

use std::collections::HashMap;

use read_model::process_managers::project_archival::ProjectArchivalTables;
use read_model::projects::ProjectTaskRow;
use read_model::tasks::status_from_str;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::react::{ProjectState, TaskState};

/// Locks the rows of `project_ids` (creating those not known yet), in id
/// order. The two workers (one per topic) lock the projects a batch touches
/// before reading or deciding anything about them, so an archive and a task
/// joining the project are decided one after the other, never side by side
/// (the later one sees the earlier one's commit).
pub async fn lock_projects(
    connection: &mut PgConnection,
    tables: &ProjectArchivalTables,
    project_ids: &[Uuid],
) -> Result<HashMap<Uuid, ProjectState>, sqlx::Error> {
    if project_ids.is_empty() {
        return Ok(HashMap::new());
    }
    sqlx::query(&format!(
        "INSERT INTO {} (project_id) SELECT * FROM UNNEST($1::uuid[]) ORDER BY 1
         ON CONFLICT (project_id) DO NOTHING",
        tables.projects
    ))
    .bind(project_ids)
    .execute(&mut *connection)
    .await?;
    let rows = sqlx::query(&format!(
        "SELECT project_id, tenant_id, archived_at, version FROM {} WHERE project_id = ANY($1)
         ORDER BY project_id FOR UPDATE",
        tables.projects
    ))
    .bind(project_ids)
    .fetch_all(&mut *connection)
    .await?;
    let mut projects = HashMap::with_capacity(rows.len());
    for row in rows {
        projects.insert(
            row.try_get("project_id")?,
            ProjectState {
                tenant_id: row.try_get("tenant_id")?,
                archived_at: row.try_get("archived_at")?,
                version: row.try_get("version")?,
            },
        );
    }
    Ok(projects)
}

/// The tasks of `task_ids`, and every task in one of `project_ids`.
pub async fn load_tasks(
    connection: &mut PgConnection,
    tables: &ProjectArchivalTables,
    task_ids: &[Uuid],
    project_ids: &[Uuid],
) -> Result<HashMap<Uuid, TaskState>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT task_id, tenant_id, project_id, status, version, joined_at, came_from FROM {}
         WHERE task_id = ANY($1) OR project_id = ANY($2)",
        tables.tasks
    ))
    .bind(task_ids)
    .bind(project_ids)
    .fetch_all(&mut *connection)
    .await?;
    let mut tasks = HashMap::with_capacity(rows.len());
    for row in rows {
        let status: String = row.try_get("status")?;
        let task = ProjectTaskRow {
            task_id: row.try_get("task_id")?,
            tenant_id: row.try_get("tenant_id")?,
            project_id: row.try_get("project_id")?,
            status: status_from_str(&status).ok_or_else(|| sqlx::Error::ColumnDecode {
                index: "status".into(),
                source: format!("unknown value {status:?}").into(),
            })?,
            version: row.try_get("version")?,
        };
        let state = TaskState {
            task,
            joined_at: row.try_get("joined_at")?,
            came_from: row.try_get("came_from")?,
        };
        tasks.insert(state.task.task_id, state);
    }
    Ok(tasks)
}

pub async fn update_projects(
    connection: &mut PgConnection,
    tables: &ProjectArchivalTables,
    projects: &[(Uuid, &ProjectState)],
) -> Result<(), sqlx::Error> {
    if projects.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "UPDATE {} AS p SET tenant_id = r.tenant_id, archived_at = r.archived_at, version = r.version
         FROM UNNEST($1::uuid[], $2::text[], $3::timestamptz[], $4::int8[])
              AS r(project_id, tenant_id, archived_at, version)
         WHERE p.project_id = r.project_id",
        tables.projects
    ))
    .bind(projects.iter().map(|(id, _)| *id).collect::<Vec<_>>())
    .bind(projects.iter().map(|(_, p)| p.tenant_id.clone()).collect::<Vec<_>>())
    .bind(projects.iter().map(|(_, p)| p.archived_at).collect::<Vec<_>>())
    .bind(projects.iter().map(|(_, p)| p.version).collect::<Vec<_>>())
    .execute(connection)
    .await?;
    Ok(())
}

pub async fn upsert_tasks(
    connection: &mut PgConnection,
    tables: &ProjectArchivalTables,
    tasks: &[&TaskState],
) -> Result<(), sqlx::Error> {
    if tasks.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "INSERT INTO {} (task_id, tenant_id, project_id, status, version, joined_at, came_from)
         SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::int8[],
                              $6::timestamptz[], $7::uuid[])
         ON CONFLICT (task_id) DO UPDATE SET
             project_id = EXCLUDED.project_id, status = EXCLUDED.status, version = EXCLUDED.version,
             joined_at = EXCLUDED.joined_at, came_from = EXCLUDED.came_from",
        tables.tasks
    ))
    .bind(tasks.iter().map(|t| t.task.task_id).collect::<Vec<_>>())
    .bind(
        tasks
            .iter()
            .map(|t| t.task.tenant_id.clone())
            .collect::<Vec<_>>(),
    )
    .bind(tasks.iter().map(|t| t.task.project_id).collect::<Vec<_>>())
    .bind(
        tasks
            .iter()
            .map(|t| t.task.status.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(tasks.iter().map(|t| t.task.version).collect::<Vec<_>>())
    .bind(tasks.iter().map(|t| t.joined_at).collect::<Vec<_>>())
    .bind(tasks.iter().map(|t| t.came_from).collect::<Vec<_>>())
    .execute(connection)
    .await?;
    Ok(())
}
