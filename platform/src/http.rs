//! Pieces every HTTP service shares: request ids and access logs, the
//! operational endpoints, JSON body reading under the error contract, and a
//! fallback that keeps framework errors in the same JSON shape.

use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers, Next};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use futures::StreamExt;
use metrics_exporter_prometheus::PrometheusHandle;
use serde_json::{Value, json};
use tracing::Instrument;

use crate::error::{ApiError, ErrorCode};

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The request id of the request being handled: the client's `X-Request-Id`
/// when it sent a sane one, otherwise a new UUIDv7.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Middleware: assigns the request id, runs the handler inside a span that
/// carries it, logs the outcome and returns the id as `X-Request-Id`.
pub async fn request_context(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|value| !value.is_empty() && value.len() <= 128)
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    request
        .extensions_mut()
        .insert(RequestId(request_id.clone()));

    let span = tracing::info_span!(
        "http",
        request_id = %request_id,
        method = %request.method(),
        path = %request.path()
    );
    let started = Instant::now();
    let mut response = next.call(request).instrument(span.clone()).await?;
    let status = response.status().as_u16();
    span.in_scope(|| {
        tracing::info!(
            status,
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            "request finished"
        )
    });
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response
            .headers_mut()
            .insert(header::HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    Ok(response)
}

/// Turns the framework's own error responses (unknown route, wrong method,
/// extractor failures) into the JSON error contract. Responses that already
/// carry a JSON body are left alone.
pub fn json_errors<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(|response: ServiceResponse<B>| {
        let is_json = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
        if is_json {
            return Ok(ErrorHandlerResponse::Response(
                response.map_into_left_body(),
            ));
        }
        let status = response.status();
        let code = match status.as_u16() {
            404 => ErrorCode::RouteNotFound,
            405 => ErrorCode::MethodNotAllowed,
            413 => ErrorCode::PayloadTooLarge,
            415 => ErrorCode::UnsupportedMediaType,
            400..=499 => ErrorCode::InvalidParameter,
            _ => ErrorCode::Internal,
        };
        let message = status.canonical_reason().unwrap_or("error").to_owned();
        let (request, _) = response.into_parts();
        let response = HttpResponse::build(status).json(ApiError::new(code, message).body());
        Ok(ErrorHandlerResponse::Response(
            ServiceResponse::new(request, response).map_into_right_body(),
        ))
    })
}

/// Reads a JSON request body under the error contract: an empty body is
/// `null` (commands without fields need no body), a non-empty one must be
/// `application/json` (415), at most `limit` bytes (413) and well-formed (400).
pub async fn read_json_body(
    request: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<Value, ApiError> {
    let too_large = || {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("the body exceeds {limit} bytes"),
        )
        .with_details(json!({ "limit_bytes": limit }))
    };
    let declared_length = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared_length.is_some_and(|length| length > limit) {
        return Err(too_large());
    }

    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|error| {
            ApiError::new(
                ErrorCode::MalformedJson,
                format!("could not read the body: {error}"),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }

    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence != "application/json" && !essence.ends_with("+json") {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "the body must be application/json",
        )
        .with_details(json!({ "content_type": content_type })));
    }

    serde_json::from_slice(&body).map_err(|error| {
        ApiError::new(
            ErrorCode::MalformedJson,
            format!("the body is not valid JSON: {error}"),
        )
        .with_details(json!({ "line": error.line(), "column": error.column() }))
    })
}

/// What `/readyz` reports. `ready == false` answers 503.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Readiness {
    pub ready: bool,
    pub checks: Value,
}

pub type ReadinessProbe =
    Arc<dyn Fn() -> futures::future::BoxFuture<'static, Readiness> + Send + Sync>;

/// `/healthz`, `/readyz` and `/metrics`.
pub fn operational_routes(
    config: &mut web::ServiceConfig,
    readiness: ReadinessProbe,
    metrics: PrometheusHandle,
) {
    config
        .app_data(web::Data::new(readiness))
        .route("/readyz", web::get().to(readyz));
    liveness_and_metrics_routes(config, metrics);
}

/// `/healthz` and `/metrics` only, for a service that answers `/readyz`
/// itself (the projector's readiness has a third answer, degraded).
pub fn liveness_and_metrics_routes(config: &mut web::ServiceConfig, metrics: PrometheusHandle) {
    config
        .app_data(web::Data::new(metrics))
        .route("/healthz", web::get().to(healthz))
        .route("/metrics", web::get().to(render_metrics));
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

async fn readyz(probe: web::Data<ReadinessProbe>) -> HttpResponse {
    let readiness = (probe.get_ref())().await;
    let status = if readiness.ready {
        "ready"
    } else {
        "not_ready"
    };
    let body = json!({ "status": status, "checks": readiness.checks });
    if readiness.ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

async fn render_metrics(handle: web::Data<PrometheusHandle>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(handle.render())
}
