//! Request ids, correlation ids and access logs.

use std::time::Instant;

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;

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

    // Commands carry the correlation id into their events; logging it joins
    // a request's log lines to everything that follows from it.
    let correlation_id = request
        .headers()
        .get("x-correlation-id")
        .and_then(|value| value.to_str().ok())
        .filter(|value| !value.is_empty())
        .unwrap_or(&request_id)
        .to_owned();
    let span = tracing::info_span!(
        "http",
        request_id = %request_id,
        correlation_id = %correlation_id,
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
