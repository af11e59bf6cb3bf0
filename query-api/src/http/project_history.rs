//! `GET /v1/projects/{id}/history`: the project's events, oldest first, paginated.

use actix_web::{HttpRequest, HttpResponse, web};
use platform::ApiError;
use serde_json::json;

use super::cursor::{decode_history, encode_history};
use super::history::{DEFAULT_LIMIT, MAX_LIMIT};
use super::params::Params;
use super::tenant::tenant_of;
use super::{
    AppState, error_with_read_headers, page, parse_id, project_not_found, with_read_headers,
};
use crate::consistency::request::{TIMEOUT_PARAMETER, TOKEN_PARAMETER};
use crate::read_model::ProjectsModel;
use crate::store::{self, database_error};

pub async fn list(
    request: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(
        request.query_string(),
        &["cursor", "limit", TOKEN_PARAMETER, TIMEOUT_PARAMETER],
    )?;
    let project_id = parse_id(&path)?;
    let tenant = tenant_of(&request)?;
    let after_version = params
        .single("cursor")?
        .map(decode_history)
        .transpose()?
        .unwrap_or(0);
    let limit = params.limit(DEFAULT_LIMIT, MAX_LIMIT)?;
    let consistency = state.consistency_of(&request, &params)?;
    let model: ProjectsModel = state.read_model().await?;
    let outcome = state.wait(&consistency, &model).await?;

    // The trail is the project's: another tenant's project is not found.
    if store::projects::get(&state.pool, &model.tables, &tenant, project_id)
        .await
        .map_err(database_error)?
        .is_none()
    {
        return Ok(error_with_read_headers(
            project_not_found(project_id),
            &model,
            outcome,
        ));
    }
    let mut items =
        store::history::of_project(&state.pool, &model.tables, project_id, after_version, limit)
            .await
            .map_err(database_error)?;
    let next_cursor = page::cut(&mut items, limit, |last| encode_history(last.version));
    let mut response = HttpResponse::Ok();
    with_read_headers(&mut response, &model, outcome);
    Ok(response.json(json!({
        "project_id": project_id,
        "items": items,
        "next_cursor": next_cursor,
        "limit": limit,
    })))
}
