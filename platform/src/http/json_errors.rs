//! Framework errors (unknown route, wrong method, extractor failures) in the
//! same JSON shape as our own.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ResponseHead, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{Error, HttpResponse};

use crate::error::{ApiError, ErrorCode};

/// Turns the framework's own error responses (unknown route, wrong method,
/// extractor failures) into the JSON error contract. Responses that already
/// carry a JSON body are left alone.
pub fn json_errors<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(|response: ServiceResponse<B>| {
        Ok(ErrorHandlerResponse::Response(in_error_contract(response)))
    })
}

/// `response` itself unless it is an error without a JSON body; then the
/// same response, headers kept (`Allow`, CORS, ...), with the JSON body of
/// its error.
pub(crate) fn in_error_contract<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
) -> ServiceResponse<EitherBody<B>> {
    let replacement = contract_error(
        response.status(),
        response.headers(),
        response.response().error(),
    );
    match replacement {
        None => response.map_into_left_body(),
        Some(error) => response.map_body(|head, _| EitherBody::right(replace_body(head, &error))),
    }
}

/// [`in_error_contract`] for a response rendered from an error that no
/// middleware turned into a response.
pub(crate) fn http_response_in_error_contract(response: HttpResponse) -> HttpResponse {
    match contract_error(response.status(), response.headers(), response.error()) {
        None => response,
        Some(error) => response.map_body(|head, _| replace_body(head, &error)),
    }
}

/// The contract error for an error response without a JSON body: the code
/// of its status, or `cors_refused` (403) for a refused CORS preflight.
fn contract_error(
    status: StatusCode,
    headers: &HeaderMap,
    cause: Option<&Error>,
) -> Option<ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return None;
    }
    if let Some(cors) = cause.and_then(|error| error.as_error::<actix_cors::CorsError>()) {
        return Some(ApiError::new(ErrorCode::CorsRefused, cors.to_string()));
    }
    let message = status.canonical_reason().unwrap_or("error");
    Some(ApiError::new(ErrorCode::for_status(status), message))
}

/// The JSON body of `error` in place of the old one. The status stays,
/// unless the error's code has another (a refused CORS preflight).
fn replace_body(head: &mut ResponseHead, error: &ApiError) -> BoxBody {
    if error.code == ErrorCode::CorsRefused {
        head.status = error.code.status();
    }
    head.headers.remove(header::CONTENT_LENGTH);
    head.headers.remove(header::CONTENT_ENCODING);
    head.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    BoxBody::new(error.body().to_string())
}
