//! Routes and handlers. Every read validates its parameters first (400s name
//! the parameter), then looks up the live version of the projection its route
//! reads, waits for the requested positions in that version, then reads that
//! version's tables.

pub mod cursor;
mod history;
mod observe;
pub mod openapi;
pub mod page;
pub mod params;
mod project_history;
mod projects;
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
use crate::live_versions::LiveVersions;
use crate::read_model::{Projection, ReadModel, ReadModelError, VERSION_HEADER};
use crate::topics::EventTopics;
pub use observe::observe;
use params::Params;
use platform::position::Position;

pub struct AppState {
    pub pool: PgPool,
    pub watcher: Arc<CheckpointWatcher>,
    /// Which version of each projection is live.
    pub live: Arc<LiveVersions>,
    pub bounds: Arc<TopicBounds>,
    pub consistency: ConsistencySettings,
    /// The topics a position token may name.
    pub topics: EventTopics,
}

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(endpoint("/v1/tasks").get(tasks::list))
        .service(endpoint("/v1/tasks/{id}").get(tasks::get))
        .service(endpoint("/v1/tasks/{id}/history").get(history::list))
        .service(endpoint("/v1/stats/tasks").get(stats::get))
        .service(endpoint("/v1/projects").get(projects::list))
        .service(endpoint("/v1/projects/{id}").get(projects::get))
        .service(endpoint("/v1/projects/{id}/history").get(project_history::list))
        .service(endpoint("/openapi.json").get(openapi::document));
}

impl AppState {
    /// Reads the consistency the request asks for (an invalid one is a 400).
    pub fn consistency_of(
        &self,
        request: &HttpRequest,
        params: &Params,
    ) -> Result<ReadConsistency, ApiError> {
        ReadConsistency::from_request(request, params, self.consistency, &self.topics)
    }

    /// The version of projection `T` this request reads, for all its statements.
    pub async fn read_model<T: Projection>(&self) -> Result<ReadModel<T>, ApiError> {
        ReadModel::live(&self.live, &self.topics)
            .await
            .map_err(|error| match error {
                ReadModelError::Database(error) => crate::store::database_error(error),
                error @ ReadModelError::NoLiveVersion(_) => {
                    ApiError::new(ErrorCode::DatabaseUnavailable, error.to_string())
                }
            })
    }

    /// Waits, bounded, until `model`'s version has passed every requested
    /// position on the topics it reads; a position on another topic is
    /// already satisfied, since that view shows nothing from it. A position
    /// no event can have is a 400 at once.
    pub async fn wait<T>(
        &self,
        consistency: &ReadConsistency,
        model: &ReadModel<T>,
    ) -> Result<Outcome, ApiError> {
        let Some(token) = &consistency.token else {
            return Ok(Outcome::NotRequested);
        };
        let started = Instant::now();
        let waited: Vec<Position> = token
            .positions()
            .filter(|position| model.reads(&position.topic))
            .collect();
        // Only a position not yet projected can be made up; the check costs a broker round trip.
        let unprojected = waited
            .iter()
            .filter(|position| !self.watcher.has_passed(&model.projection, position));
        futures::future::try_join_all(unprojected.map(|position| self.bounds.check(position)))
            .await
            .map_err(out_of_bounds)?;
        // The waits run side by side, so the whole read waits at most `consistency.wait`.
        let waits = futures::future::join_all(waited.iter().map(|position| async move {
            if !self
                .watcher
                .wait_past(&model.projection, position, consistency.wait)
                .await
            {
                Outcome::Stale
            } else if self.parked_at(model, position).await {
                Outcome::Parked
            } else {
                Outcome::Consistent
            }
        }))
        .await;
        let outcome = Outcome::of_waits(waits);
        metrics::histogram!("query_api_consistency_wait_seconds")
            .record(started.elapsed().as_secs_f64());
        metrics::counter!("query_api_consistency_total", "outcome" => outcome.header_value().unwrap_or("none"))
            .increment(1);
        Ok(outcome)
    }

    /// Whether the event at `position` waits parked in `model`'s version
    /// (when unsure, it is not claimed).
    async fn parked_at<T>(&self, model: &ReadModel<T>, position: &Position) -> bool {
        read_model::parked::is_waiting_at(
            &self.pool,
            &model.projection,
            &position.topic,
            position.partition,
            position.offset,
        )
        .await
        .unwrap_or(false)
    }
}

/// Says which version served the response and how its data relates to the
/// requested position.
pub fn with_read_headers<T>(
    response: &mut HttpResponseBuilder,
    model: &ReadModel<T>,
    outcome: Outcome,
) {
    response.insert_header((VERSION_HEADER, model.projection.as_str()));
    if let Some(value) = outcome.header_value() {
        response.insert_header((CONSISTENCY_HEADER, value));
    }
}

/// An error response that still says which version answered and whether it
/// was read after the requested position (a 404 before the projection caught
/// up means something else).
pub fn error_with_read_headers<T>(
    error: ApiError,
    model: &ReadModel<T>,
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

pub fn project_not_found(project_id: uuid::Uuid) -> ApiError {
    ApiError::new(
        platform::ErrorCode::Domain {
            code: "project_not_found",
            status: 404,
        },
        format!("no project {project_id}"),
    )
    .with_details(serde_json::json!({ "project_id": project_id }))
}

/// The `{id}` of a task's or a project's path.
pub fn parse_id(id: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(id).map_err(|_| params::invalid("id", format!("{id:?} is not a UUID")))
}
