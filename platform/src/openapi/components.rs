//! `components` of a document: the service's own schemas plus everything
//! the shared pieces refer to.

use serde_json::{Map, Value, json};

use super::errors::{error_schema, shared_headers, shared_responses};
use super::security::{BEARER_AUTH, scheme};

/// `schemas` are the service's own; `Error`, the shared responses, headers
/// and the security scheme are added.
pub fn components(mut schemas: Map<String, Value>) -> Value {
    schemas.insert("Error".to_owned(), error_schema());
    json!({
        "securitySchemes": { BEARER_AUTH: scheme() },
        "schemas": schemas,
        "responses": shared_responses(),
        "headers": shared_headers(),
    })
}
