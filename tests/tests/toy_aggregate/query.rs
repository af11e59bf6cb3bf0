//! The toy's query route, defined only here and mounted in the query API:
//! `GET /v1/counters/{id}`, read-your-writes like the platform's routes.

use actix_web::{HttpRequest, HttpResponse, web};
use platform::{ApiError, ErrorCode};
use query_api::QueryMount;
use query_api::consistency::request::{TIMEOUT_PARAMETER, TOKEN_PARAMETER};
use query_api::http::params::Params;
use query_api::http::tenant::tenant_of;
use query_api::http::{AppState, error_with_read_headers, with_read_headers};
use query_api::read_model::{Projection, ReadModel};
use query_api::topics::EventTopics;
use serde_json::json;
use uuid::Uuid;

/// The counters projection's tables at a version, as the query API sees them.
pub struct CounterTables {
    counters: String,
}

impl Projection for CounterTables {
    const NAME: &'static str = "counters";

    fn tables(version: u32) -> Self {
        Self {
            counters: format!("counters_v{version}"),
        }
    }

    fn reads(topics: &EventTopics) -> Vec<String> {
        vec![topics.topic("counters")]
    }
}

pub const MOUNT: QueryMount = QueryMount {
    topic_names: &["counters"],
    routes: |config| {
        config.route("/v1/counters/{id}", web::get().to(get));
    },
};

async fn get(
    request: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(
        request.query_string(),
        &[TOKEN_PARAMETER, TIMEOUT_PARAMETER],
    )?;
    let counter_id: Uuid = path
        .parse()
        .map_err(|_| query_api::http::params::invalid("id", "not a UUID"))?;
    let tenant = tenant_of(&request)?;
    let consistency = state.consistency_of(&request, &params)?;
    let model: ReadModel<CounterTables> = state.read_model().await?;
    let outcome = state.wait(&consistency, &model).await?;
    let row: Option<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT total, version FROM {} WHERE counter_id = $1 AND tenant_id = $2",
        model.tables.counters
    ))
    .bind(counter_id)
    .bind(&tenant)
    .fetch_optional(&state.pool)
    .await
    .map_err(|error| ApiError::new(ErrorCode::DatabaseUnavailable, error.to_string()))?;
    let Some((total, version)) = row else {
        let not_found = ApiError::new(
            ErrorCode::Domain {
                code: "counter_not_found",
                status: 404,
            },
            format!("no counter {counter_id}"),
        );
        return Ok(error_with_read_headers(not_found, &model, outcome));
    };
    let mut response = HttpResponse::Ok();
    with_read_headers(&mut response, &model, outcome);
    Ok(response.json(json!({ "counter_id": counter_id, "total": total, "version": version })))
}
