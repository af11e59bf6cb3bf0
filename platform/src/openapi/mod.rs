//! The parts of the three services' OpenAPI 3.1 documents that are the same
//! everywhere: the bearer JWT security scheme, the error contract and the
//! refusals every protected operation can meet, the operational endpoints,
//! and the text rules as JSON Schema patterns. Each service assembles its
//! own document from these and its own paths.

mod components;
mod errors;
mod identity;
mod operational;
mod security;
pub mod text;

pub use components::components;
pub use errors::{body_refusals, error_response, guard_refusals};
pub use identity::{actor_header, tenant_header};
pub use operational::{liveness_path, metrics_path, openapi_path, readiness_path};
pub use security::{BEARER_AUTH, OPEN, requires};
