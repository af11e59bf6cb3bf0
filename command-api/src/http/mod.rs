//! The HTTP surface of the command API.

pub mod command_http;
mod error_contract;
pub mod forward;
pub mod instances;
pub mod openapi;
pub mod request_context;
pub mod response;
pub mod routes;
