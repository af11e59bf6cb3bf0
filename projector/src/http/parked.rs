//! `GET /v1/parked`, `POST /v1/parked/{id}/retry` and `.../skip`: the CLI's
//! `parked list|retry|skip` over HTTP, for the console. Each caller sees
//! and resolves only its tenant's events (see `operations::parked`).

use actix_web::{HttpRequest, HttpResponse, web};
use platform::ApiError;
use platform::http::{principal_of, read_json_body};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Projections;

/// A skip's body is two short strings.
const MAX_BODY_BYTES: usize = 4 * 1024;
/// The longest `by` or `reason` kept with a skipped event.
const MAX_TEXT_CHARS: usize = 500;

#[derive(Debug, Deserialize)]
pub struct ListFilter {
    /// A projection version, `tasks.v2`.
    projection: Option<String>,
    /// `parked` (the default) or `all`, which adds resolved events.
    #[serde(default)]
    status: StatusFilter,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
enum StatusFilter {
    #[default]
    Parked,
    All,
}

pub async fn list(
    request: HttpRequest,
    projections: web::Data<Projections>,
    filter: web::Query<ListFilter>,
) -> Result<HttpResponse, ApiError> {
    let caller = principal_of(&request)?;
    let all = matches!(filter.status, StatusFilter::All);
    let parked = projections
        .operations
        .parked_for_tenant(&caller.tenant, filter.projection.as_deref(), all)
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "parked": parked })))
}

pub async fn retry(
    request: HttpRequest,
    projections: web::Data<Projections>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let caller = principal_of(&request)?;
    let operations = &projections.operations;
    operations
        .parked_event_for_tenant(&caller.tenant, *id)
        .await?;
    let released = operations.retry_parked(*id).await?;
    Ok(HttpResponse::Ok().json(released))
}

pub async fn skip(
    request: HttpRequest,
    projections: web::Data<Projections>,
    id: web::Path<i64>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let caller = principal_of(&request)?;
    let body = read_json_body(&request, payload, MAX_BODY_BYTES).await?;
    let by = required_text(&body, "by")?;
    let reason = required_text(&body, "reason")?;
    let operations = &projections.operations;
    operations
        .parked_event_for_tenant(&caller.tenant, *id)
        .await?;
    let released = operations.skip_parked(*id, &by, &reason).await?;
    Ok(HttpResponse::Ok().json(released))
}

/// A required single-line string field of the body.
fn required_text(body: &Value, field: &str) -> Result<String, ApiError> {
    let text = body
        .get(field)
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default();
    if text.is_empty() {
        return Err(ApiError::invalid_field(
            field,
            format!("{field} is required: a skip records who skipped the event and why"),
        ));
    }
    if text.chars().any(char::is_control) || text.chars().count() > MAX_TEXT_CHARS {
        return Err(ApiError::invalid_field(
            field,
            format!("{field} must be one line of at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    Ok(text.to_owned())
}
