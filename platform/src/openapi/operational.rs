//! The open operational paths: `/healthz`, `/readyz`, `/metrics` and
//! `/openapi.json` need no token (`security: []`), so orchestrators,
//! Prometheus and client generators reach them.

use serde_json::{Value, json};

use super::security::OPEN;

fn open_get(operation_id: &str, summary: &str, responses: Value) -> Value {
    let mut responses = responses;
    responses["405"] = json!({ "$ref": "#/components/responses/MethodNotAllowed" });
    responses["408"] = json!({ "$ref": "#/components/responses/RequestTimeout" });
    responses["431"] = json!({ "$ref": "#/components/responses/HeadersTooLarge" });
    json!({ "get": {
        "operationId": operation_id,
        "summary": summary,
        "tags": ["operations"],
        "security": OPEN,
        "responses": responses
    } })
}

pub fn liveness_path() -> Value {
    open_get(
        "healthz",
        "Liveness: the process serves HTTP",
        json!({ "200": { "description": "Alive", "content": { "application/json": { "schema": {
            "type": "object", "required": ["status"],
            "properties": { "status": { "const": "ok" } }
        } } } } }),
    )
}

/// `/readyz` answering 200 `ready` or 503 `not_ready`; `checks` says
/// what was looked at (`what` describes it).
pub fn readiness_path(what: &str) -> Value {
    let body = |status: &str| {
        json!({ "application/json": { "schema": {
            "type": "object", "required": ["status", "checks"],
            "properties": { "status": { "const": status }, "checks": { "type": "object" } }
        } } })
    };
    open_get(
        "readyz",
        &format!("Readiness: {what}"),
        json!({
            "200": { "description": "Ready to serve", "content": body("ready") },
            "503": { "description": "Not ready; `checks` says what is missing", "content": body("not_ready") }
        }),
    )
}

pub fn metrics_path() -> Value {
    open_get(
        "metrics",
        "Prometheus metrics (text exposition format 0.0.4)",
        json!({ "200": { "description": "The metrics", "content": { "text/plain": { "schema": { "type": "string" } } } } }),
    )
}

pub fn openapi_path() -> Value {
    open_get(
        "openapi",
        "This document",
        json!({ "200": { "description": "The OpenAPI 3.1 document", "content": { "application/json": { "schema": { "type": "object" } } } } }),
    )
}
