//! `GET /v1/projects/{id}` (with the project's task counts) and `GET /v1/projects`.

use actix_web::{HttpRequest, HttpResponse, web};
use events::project::ProjectStatus;
use events::task::TaskStatus;
use platform::ApiError;
use serde_json::{Map, json};

use super::cursor::ProjectCursor;
use super::params::{Params, invalid};
use super::tenant::tenant_of;
use super::{
    AppState, error_with_read_headers, page, parse_id, project_not_found, with_read_headers,
};
use crate::consistency::request::{TIMEOUT_PARAMETER, TOKEN_PARAMETER};
use crate::read_model::ProjectsModel;
use crate::store::{self, database_error};

/// The same page sizes as the task listing.
pub use super::tasks::{DEFAULT_LIMIT, MAX_LIMIT};

/// The values of the `status` filter: every status a project can have.
pub fn statuses() -> [&'static str; 2] {
    [ProjectStatus::Active, ProjectStatus::Archived].map(ProjectStatus::as_str)
}

pub async fn get(
    request: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(
        request.query_string(),
        &[TOKEN_PARAMETER, TIMEOUT_PARAMETER],
    )?;
    let project_id = parse_id(&path)?;
    let tenant = tenant_of(&request)?;
    let consistency = state.consistency_of(&request, &params)?;
    let model: ProjectsModel = state.read_model().await?;
    let outcome = state.wait(&consistency, &model).await?;

    let Some(project) = store::projects::get(&state.pool, &model.tables, &tenant, project_id)
        .await
        .map_err(database_error)?
    else {
        return Ok(error_with_read_headers(
            project_not_found(project_id),
            &model,
            outcome,
        ));
    };
    let counts = store::projects::task_counts(&state.pool, &model.tables, &tenant, project_id)
        .await
        .map_err(database_error)?;
    let mut body = serde_json::to_value(&project)
        .map_err(|_| ApiError::new(platform::ErrorCode::Internal, "the project cannot be shown"))?;
    // Every status is named, zero or not, so clients need no defaults.
    let task_counts: Map<String, serde_json::Value> = TaskStatus::ALL
        .iter()
        .map(|status| {
            let count = counts.get(status.as_str()).copied().unwrap_or(0);
            (status.as_str().to_owned(), json!(count))
        })
        .collect();
    body["task_counts"] = task_counts.into();
    let mut response = HttpResponse::Ok();
    with_read_headers(&mut response, &model, outcome);
    Ok(response.json(body))
}

const LIST_PARAMETERS: &[&str] = &[
    "status",
    "cursor",
    "limit",
    TOKEN_PARAMETER,
    TIMEOUT_PARAMETER,
];

pub async fn list(
    request: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(request.query_string(), LIST_PARAMETERS)?;
    let tenant = tenant_of(&request)?;
    let statuses = statuses();
    let status = match params.single("status")? {
        None => None,
        Some(status) if statuses.contains(&status) => Some(status.to_owned()),
        Some(other) => {
            return Err(invalid(
                "status",
                format!(
                    "status must be one of {}; got {other:?}",
                    statuses.join(", ")
                ),
            ));
        }
    };
    let after = params
        .single("cursor")?
        .map(ProjectCursor::decode)
        .transpose()?
        .map(|cursor| (cursor.created_at, cursor.project_id));
    let limit = params.limit(DEFAULT_LIMIT, MAX_LIMIT)?;
    let consistency = state.consistency_of(&request, &params)?;
    let model: ProjectsModel = state.read_model().await?;
    let outcome = state.wait(&consistency, &model).await?;

    let filter = store::projects::ProjectFilter {
        tenant_id: tenant,
        status,
    };
    let page_request = store::projects::PageRequest { after, limit };
    let mut items = store::projects::list(&state.pool, &model.tables, &filter, &page_request)
        .await
        .map_err(database_error)?;
    let next_cursor = page::cut(&mut items, limit, |last| {
        ProjectCursor {
            created_at: last.created_at,
            project_id: last.project_id,
        }
        .encode()
    });
    let mut response = HttpResponse::Ok();
    with_read_headers(&mut response, &model, outcome);
    Ok(response.json(json!({ "items": items, "next_cursor": next_cursor, "limit": limit })))
}
