//! Pieces every HTTP service shares: the server itself (every error answer
//! JSON, even the HTTP layer's own), binding the listener, request ids and
//! access logs, request limits, CORS, rate limits, the response policy,
//! routes that answer 405 with `Allow`, JSON body reading under the error
//! contract, and the operational endpoints.
//!
//! A service's middleware, outermost first: [`ResponsePolicy`],
//! [`request_context`], [`RequestLimits`], [`cors`], authentication,
//! [`RateLimit`], [`json_errors`].

mod auth;
mod cors;
mod endpoint;
mod json_body;
mod json_errors;
mod limits;
mod listener;
mod operational;
mod rate_limit;
mod request_context;
mod response_policy;
mod server;

pub use auth::{ACTOR_HEADER, AccessControl, TENANT_HEADER, authenticate, principal_of};
pub use cors::cors;
pub use endpoint::{Endpoint, endpoint};
pub use json_body::read_json_body;
pub use json_errors::json_errors;
pub use limits::{
    BodyDeadlineExceeded, FRAMEWORK_MAX_HEAD_BYTES, FRAMEWORK_MAX_HEADERS, MAX_HEADER_BYTES,
    MAX_HEADERS, RequestLimits, is_deadline_error,
};
pub use listener::{BindError, RunningServer, bind};
pub use operational::{Readiness, ReadinessProbe, liveness_and_metrics_routes, operational_routes};
pub use rate_limit::{RateLimit, TenantBuckets};
pub use request_context::{REQUEST_ID_HEADER, RequestId, request_context};
pub use response_policy::ResponsePolicy;
pub use server::{ServerOptions, serve};
