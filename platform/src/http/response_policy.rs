//! What every answer of every service carries, whatever produced it.

use std::rc::Rc;

use actix_web::Error;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use futures::future::{LocalBoxFuture, Ready, ready};

use super::json_errors::{http_response_in_error_contract, in_error_contract};

/// Middleware, the outermost of every service: every answer is sent with
/// `X-Content-Type-Options: nosniff` and a `Cache-Control` (unless the handler
/// chose one): `private, no-cache` for a GET whose answer carries an `ETag`
/// (revalidate with `If-None-Match`), `no-store` for everything else. An
/// error answer without a JSON body gets the contract's (e.g. a refused CORS
/// preflight), also when an inner middleware fails with an error.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResponsePolicy;

impl<S, B> Transform<S, ServiceRequest> for ResponsePolicy
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = ResponsePolicyService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(ResponsePolicyService {
            service: Rc::new(service),
        }))
    }
}

pub struct ResponsePolicyService<S> {
    service: Rc<S>,
}

impl<S, B> Service<ServiceRequest> for ResponsePolicyService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let is_get = matches!(*request.method(), Method::GET | Method::HEAD);
        let service = self.service.clone();
        Box::pin(async move {
            match service.call(request).await {
                Ok(response) => {
                    let mut response = in_error_contract(response);
                    add_policy_headers(response.headers_mut(), is_get);
                    Ok(response)
                }
                // No request is left to make a response of (holding a copy
                // of it would break routing), so the policy goes with the
                // error and applies when the server renders it.
                Err(mut error) => {
                    error.add_response_mapper(move |response| {
                        let mut response = http_response_in_error_contract(response);
                        add_policy_headers(response.headers_mut(), is_get);
                        response
                    });
                    Err(error)
                }
            }
        })
    }
}

fn add_policy_headers(headers: &mut HeaderMap, is_get: bool) {
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        let policy = if is_get && headers.contains_key(header::ETAG) {
            "private, no-cache"
        } else {
            "no-store"
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
}
