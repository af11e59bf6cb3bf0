//! Framework errors (unknown route, wrong method, extractor failures) in the
//! same JSON shape as our own.

use actix_web::HttpResponse;
use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};

use crate::error::{ApiError, ErrorCode};

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
