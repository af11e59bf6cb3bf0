//! Routes and handlers. Every read validates its parameters first (400s name
//! the parameter), then looks up the live projection version, waits for the
//! requested position in that version, then reads that version's tables.

pub mod cursor;
mod history;
mod observe;
pub mod openapi;
pub mod params;
mod stats;
mod tasks;
pub mod tenant;

use std::sync::Arc;
use std::time::Instant;

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, ResponseError, web};
use platform::http::endpoint;
use platform::{ApiError, ErrorCode};
use sqlx::PgPool;

use crate::config::ConsistencySettings;
use crate::consistency::{
    CONSISTENCY_HEADER, CheckpointWatcher, OutOfBounds, Outcome, ReadConsistency, TopicBounds,
};
use crate::read_model::{ReadModel, ReadModelError, VERSION_HEADER};
pub use observe::observe;
use params::Params;

pub struct AppState {
    pub pool: PgPool,
    pub watcher: Arc<CheckpointWatcher>,
    pub bounds: Arc<TopicBounds>,
    pub consistency: ConsistencySettings,
    pub topic: String,
}

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(endpoint("/v1/tasks").get(tasks::list))
        .service(endpoint("/v1/tasks/{id}").get(tasks::get))
        .service(endpoint("/v1/tasks/{id}/history").get(history::list))
        .service(endpoint("/v1/stats/tasks").get(stats::get))
        .service(endpoint("/openapi.json").get(openapi::document));
}

impl AppState {
    /// Reads the consistency the request asks for (an invalid one is a 400).
    pub fn consistency_of(
        &self,
        request: &HttpRequest,
        params: &Params,
    ) -> Result<ReadConsistency, ApiError> {
        ReadConsistency::from_request(request, params, self.consistency, &self.topic)
    }

    /// The projection version this request reads, for all its statements.
    pub async fn read_model(&self) -> Result<ReadModel, ApiError> {
        ReadModel::live(&self.pool)
            .await
            .map_err(|error| match error {
                ReadModelError::Database(error) => crate::store::database_error(error),
                error @ ReadModelError::NoLiveVersion(_) => {
                    ApiError::new(ErrorCode::DatabaseUnavailable, error.to_string())
                }
            })
    }

    /// Waits, bounded, until `model`'s version has passed the requested
    /// position. A position no event can have is a 400 at once.
    pub async fn wait(
        &self,
        consistency: &ReadConsistency,
        model: &ReadModel,
    ) -> Result<Outcome, ApiError> {
        let Some(position) = &consistency.position else {
            return Ok(Outcome::NotRequested);
        };
        let started = Instant::now();
        // Only a position not yet projected can be made up; the check costs a broker round trip.
        if !self
            .watcher
            .has_passed(&model.projection, position.partition, position.offset)
        {
            self.bounds
                .check(position.partition, position.offset)
                .await
                .map_err(out_of_bounds)?;
        }
        let reached = self
            .watcher
            .wait_past(
                &model.projection,
                position.partition,
                position.offset,
                consistency.wait,
            )
            .await;
        let outcome = if !reached {
            Outcome::Stale
        } else if self
            .parked_at(model, position.partition, position.offset)
            .await
        {
            Outcome::Parked
        } else {
            Outcome::Consistent
        };
        metrics::histogram!("query_api_consistency_wait_seconds")
            .record(started.elapsed().as_secs_f64());
        metrics::counter!("query_api_consistency_total", "outcome" => outcome.header_value().unwrap_or("none"))
            .increment(1);
        Ok(outcome)
    }

    /// Whether the event at the position waits parked in `model`'s version
    /// (when unsure, it is not claimed).
    async fn parked_at(&self, model: &ReadModel, partition: i32, offset: i64) -> bool {
        read_model::parked::is_waiting_at(
            &self.pool,
            &model.projection,
            &self.topic,
            partition,
            offset,
        )
        .await
        .unwrap_or(false)
    }
}

/// Says which version served the response and how its data relates to the
/// requested position.
pub fn with_read_headers(response: &mut HttpResponseBuilder, model: &ReadModel, outcome: Outcome) {
    response.insert_header((VERSION_HEADER, model.projection.as_str()));
    if let Some(value) = outcome.header_value() {
        response.insert_header((CONSISTENCY_HEADER, value));
    }
}

/// An error response that still says which version answered and whether it
/// was read after the requested position (a 404 before the projection caught
/// up means something else).
pub fn error_with_read_headers(
    error: ApiError,
    model: &ReadModel,
    outcome: Outcome,
) -> HttpResponse {
    let mut response = error.error_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&model.projection) {
        headers.insert(HeaderName::from_static(VERSION_HEADER), value);
    }
    if let Some(value) = outcome.header_value() {
        headers.insert(
            HeaderName::from_static(CONSISTENCY_HEADER),
            HeaderValue::from_static(value),
        );
    }
    response
}

fn out_of_bounds(error: OutOfBounds) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidParameter,
        format!("the consistency token names no event: {error}"),
    )
    .with_details(serde_json::json!({ "parameter": crate::consistency::request::TOKEN_PARAMETER }))
}

pub fn task_not_found(task_id: uuid::Uuid) -> ApiError {
    ApiError::new(
        platform::ErrorCode::Domain {
            code: "task_not_found",
            status: 404,
        },
        format!("no task {task_id}"),
    )
    .with_details(serde_json::json!({ "task_id": task_id }))
}

pub fn parse_task_id(id: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(id).map_err(|_| params::invalid("id", format!("{id:?} is not a UUID")))
}
