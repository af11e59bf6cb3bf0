//! Reading a JSON request body under the error contract.

use actix_web::http::header;
use actix_web::{HttpRequest, web};
use futures::StreamExt;
use serde_json::{Value, json};

use super::is_deadline_error;
use crate::error::{ApiError, ErrorCode};

/// Reads a JSON request body under the error contract: an empty body is
/// `null` (commands without fields need no body), a non-empty one must be
/// `application/json` (415), at most `limit` bytes (413), well-formed (400)
/// and there before the body deadline of [`RequestLimits`](super::RequestLimits)
/// (408).
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
            if is_deadline_error(&error) {
                return ApiError::new(ErrorCode::RequestTimeout, error.to_string());
            }
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
