//! `GET /v1/stats/tasks`: tasks by status and completions per day, for the tenant.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use events::task::TaskStatus;
use platform::ApiError;
use serde_json::{Map, json};

use super::params::{Params, invalid};
use super::tenant::tenant_of;
use super::{AppState, with_read_headers};
use crate::consistency::request::{TIMEOUT_PARAMETER, TOKEN_PARAMETER};
use crate::read_model::TasksModel;
use crate::store::{self, database_error};

pub async fn get(
    request: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(
        request.query_string(),
        &["from", "to", TOKEN_PARAMETER, TIMEOUT_PARAMETER],
    )?;
    let tenant = tenant_of(&request)?;
    let date = |name: &str| -> Result<Option<NaiveDate>, ApiError> {
        params
            .single(name)?
            .map(|text| {
                NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                    invalid(
                        name,
                        format!("{name} must be a date YYYY-MM-DD; got {text:?}"),
                    )
                })
            })
            .transpose()
    };
    let (from, to) = (date("from")?, date("to")?);
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(invalid("from", "from must not be after to"));
    }
    let consistency = state.consistency_of(&request, &params)?;
    let model: TasksModel = state.read_model().await?;
    let outcome = state.wait(&consistency, &model).await?;

    let counts = store::stats::counts_by_status(&state.pool, &model.tables, &tenant)
        .await
        .map_err(database_error)?;
    let days = store::stats::completions_per_day(&state.pool, &model.tables, &tenant, from, to)
        .await
        .map_err(database_error)?;
    let mut by_status = Map::new();
    for status in TaskStatus::ALL {
        by_status.insert(
            status.as_str().to_owned(),
            json!(counts.get(status.as_str()).copied().unwrap_or(0)),
        );
    }
    let total: i64 = counts.values().sum();
    let mut response = HttpResponse::Ok();
    with_read_headers(&mut response, &model, outcome);
    Ok(response.json(json!({
        "tenant_id": tenant,
        "total": total,
        "by_status": by_status,
        "completions_per_day": days,
    })))
}
