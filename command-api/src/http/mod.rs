//! The HTTP surface of the command API.

pub mod forward;
pub mod openapi;
pub mod request_context;
pub mod response;
pub mod routes;
