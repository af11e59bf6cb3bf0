//! Limits on what a request may send: our own header limit (431) below the
//! framework's, and a deadline on its body (408).

mod body_deadline;
mod headers;

use std::rc::Rc;
use std::time::Duration;

use actix_web::Error;
use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use futures::future::{LocalBoxFuture, Ready, ready};

pub use body_deadline::{BodyDeadlineExceeded, is_deadline_error};
pub use headers::{FRAMEWORK_MAX_HEAD_BYTES, FRAMEWORK_MAX_HEADERS, MAX_HEADER_BYTES, MAX_HEADERS};

use crate::config::HttpSettings;
use body_deadline::HoldingPayload;

/// Middleware: refuses requests over the header limit with 431 before
/// anything else looks at them, and bounds the time their body may take
/// (`HttpSettings::body_timeout`), for every body reader.
#[derive(Debug, Clone)]
pub struct RequestLimits {
    body_timeout: Duration,
}

impl RequestLimits {
    pub fn new(settings: &HttpSettings) -> Self {
        Self {
            body_timeout: settings.body_timeout,
        }
    }
}

impl<S, B> Transform<S, ServiceRequest> for RequestLimits
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<HoldingPayload<EitherBody<B>>>;
    type Error = Error;
    type Transform = RequestLimitsService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RequestLimitsService {
            service: Rc::new(service),
            body_timeout: self.body_timeout,
        }))
    }
}

pub struct RequestLimitsService<S> {
    service: Rc<S>,
    body_timeout: Duration,
}

impl<S, B> Service<ServiceRequest> for RequestLimitsService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<HoldingPayload<EitherBody<B>>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, mut request: ServiceRequest) -> Self::Future {
        if let Err(error) = headers::check(request.headers()) {
            let response = request
                .error_response(error)
                .map_body(|_, body| HoldingPayload::new(EitherBody::right(body), None));
            return Box::pin(ready(Ok(response)));
        }
        let payload = body_deadline::with_deadline(&mut request, self.body_timeout);
        let service = self.service.clone();
        Box::pin(async move {
            match service.call(request).await {
                Ok(response) => Ok(response
                    .map_body(|_, body| HoldingPayload::new(EitherBody::left(body), payload))),
                // The answer the server renders from the error holds the
                // body too.
                Err(mut error) => {
                    if let Some(payload) = payload {
                        error.add_response_mapper(move |response| {
                            let payload = Some(payload.clone());
                            response.map_body(|_, body| {
                                BoxBody::new(HoldingPayload::new(body, payload))
                            })
                        });
                    }
                    Err(error)
                }
            }
        })
    }
}
