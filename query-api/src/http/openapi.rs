//! `GET /openapi.json`: the query API's contract.

use std::sync::LazyLock;

use actix_web::HttpResponse;
use serde_json::{Value, json};

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(&*DOCUMENT)
}

static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    let error = json!({ "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let with = |description: &str| {
        let mut response = error.clone();
        response["description"] = json!(description);
        response
    };
    let consistency_headers = json!({
        "X-Consistency": { "schema": { "type": "string", "enum": ["consistent", "stale", "parked"] },
            "description": "Present when a consistency token was given: consistent when the projection had passed it, stale when the wait ran out and the data may predate the write, parked when the event at the token could not be applied and waits for an operator (the data does not show it)." },
        "X-Projection-Version": { "schema": { "type": "string", "example": "tasks.v2" },
            "description": "The projection version that served the request. Each request reads one version; after a rebuild or rollback switches versions, later requests read the new one." }
    });
    let parameter = |name: &str, location: &str, schema: Value, description: &str| json!({ "name": name, "in": location, "schema": schema, "description": description });
    let common = [
        parameter(
            "X-Tenant-Id",
            "header",
            json!({ "type": "string", "default": "default" }),
            "Whose data is read.",
        ),
        parameter(
            "X-Consistency-Token",
            "header",
            json!({ "type": "string" }),
            "The position returned by the command API; the read waits until the projection has applied it.",
        ),
        parameter(
            "consistency_token",
            "query",
            json!({ "type": "string" }),
            "Same as X-Consistency-Token.",
        ),
        parameter(
            "X-Consistency-Timeout-Ms",
            "header",
            json!({ "type": "integer", "minimum": 0, "default": 2000, "maximum": 10000 }),
            "Longest wait for the token; larger values are cut to the server's maximum.",
        ),
        parameter(
            "consistency_timeout_ms",
            "query",
            json!({ "type": "integer", "minimum": 0 }),
            "Same as X-Consistency-Timeout-Ms.",
        ),
    ];
    let with_common = |mut own: Vec<Value>| {
        own.extend(common.iter().cloned());
        Value::Array(own)
    };
    let id = parameter(
        "id",
        "path",
        json!({ "type": "string", "format": "uuid" }),
        "The task id.",
    );
    let cursor = parameter(
        "cursor",
        "query",
        json!({ "type": "string" }),
        "next_cursor of the previous page.",
    );
    let limit = parameter(
        "limit",
        "query",
        json!({ "type": "integer", "minimum": 1, "maximum": 200, "default": 50 }),
        "Page size.",
    );
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Query API", "version": "1.0.0",
                  "description": "Reads the task read models (projection tasks.v1). Errors use the platform's contract; invalid parameters are 400 invalid_parameter with details.parameter naming them; unknown parameters are refused." },
        "paths": {
            "/v1/tasks/{id}": { "get": {
                "summary": "One task",
                "parameters": with_common(vec![id.clone(),
                    parameter("If-None-Match", "header", json!({ "type": "string" }), "An ETag from an earlier read; 304 when the task is still at that version.")]),
                "responses": {
                    "200": { "description": "The task", "headers": { "ETag": { "schema": { "type": "string" }, "description": "\"<version>\"" }, "X-Consistency": consistency_headers["X-Consistency"], "X-Projection-Version": consistency_headers["X-Projection-Version"] },
                             "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Task" } } } },
                    "304": { "description": "Not modified since the given ETag" },
                    "400": with("Invalid id, header or parameter"),
                    "404": with("No such task for this tenant (code task_not_found)"),
                    "503": with("The read models are unavailable")
                }
            } },
            "/v1/tasks": { "get": {
                "summary": "Tasks, filtered, in keyset pages",
                "parameters": with_common(vec![
                    parameter("status", "query", json!({ "type": "string" }), "open, completed, archived; comma-separated for several."),
                    parameter("priority", "query", json!({ "type": "string" }), "low, normal, high, urgent; comma-separated for several."),
                    parameter("assignee", "query", json!({ "type": "string", "maxLength": 100 }), "Exact assignee."),
                    parameter("tag", "query", json!({ "type": "string", "maxLength": 40 }), "Repeat for tasks carrying every one of the tags."),
                    parameter("due_before", "query", json!({ "type": "string", "format": "date" }), "Due strictly before this date."),
                    parameter("due_after", "query", json!({ "type": "string", "format": "date" }), "Due strictly after this date."),
                    parameter("q", "query", json!({ "type": "string", "maxLength": 200 }), "Title search: every word of q starts a word of the title (case-insensitive)."),
                    parameter("sort", "query", json!({ "type": "string", "enum": ["-created_at", "created_at"], "default": "-created_at" }), "Newest or oldest first."),
                    cursor.clone(), limit.clone()]),
                "responses": {
                    "200": { "description": "A page; next_cursor is null on the last one. Every task present when paging starts appears exactly once.",
                             "headers": consistency_headers,
                             "content": { "application/json": { "schema": { "$ref": "#/components/schemas/TaskPage" } } } },
                    "400": with("Invalid or unknown parameter (details.parameter)"),
                    "503": with("The read models are unavailable")
                }
            } },
            "/v1/tasks/{id}/history": { "get": {
                "summary": "The task's events (audit trail), oldest first",
                "parameters": with_common(vec![id, cursor, limit]),
                "responses": {
                    "200": { "description": "A page of events", "headers": consistency_headers,
                             "content": { "application/json": { "schema": { "$ref": "#/components/schemas/HistoryPage" } } } },
                    "400": with("Invalid or unknown parameter"),
                    "404": with("No such task for this tenant")
                }
            } },
            "/v1/stats/tasks": { "get": {
                "summary": "Tasks by status and completions per UTC day",
                "parameters": with_common(vec![
                    parameter("from", "query", json!({ "type": "string", "format": "date" }), "First day of completions_per_day."),
                    parameter("to", "query", json!({ "type": "string", "format": "date" }), "Last day of completions_per_day.")]),
                "responses": {
                    "200": { "description": "The tenant's statistics", "headers": consistency_headers,
                             "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Stats" } } } },
                    "400": with("Invalid or unknown parameter")
                }
            } },
            "/healthz": { "get": { "summary": "Liveness", "responses": { "200": { "description": "Alive" } } } },
            "/readyz": { "get": { "summary": "Readiness: database and checkpoint listener", "responses": { "200": { "description": "Ready" }, "503": { "description": "Not ready" } } } },
            "/metrics": { "get": { "summary": "Prometheus metrics", "responses": { "200": { "description": "Metrics" } } } }
        },
        "components": { "schemas": {
            "Task": { "type": "object", "properties": {
                "task_id": { "type": "string", "format": "uuid" }, "tenant_id": { "type": "string" },
                "title": { "type": "string" }, "description": { "type": ["string", "null"] },
                "priority": { "type": "string", "enum": ["low", "normal", "high", "urgent"] },
                "due_date": { "type": ["string", "null"], "format": "date" }, "assignee": { "type": ["string", "null"] },
                "tags": { "type": "array", "items": { "type": "string" } },
                "status": { "type": "string", "enum": ["open", "completed", "archived"] },
                "version": { "type": "integer" }, "created_at": { "type": "string", "format": "date-time" },
                "updated_at": { "type": "string", "format": "date-time" }, "completed_at": { "type": ["string", "null"], "format": "date-time" } } },
            "TaskPage": { "type": "object", "properties": {
                "items": { "type": "array", "items": { "$ref": "#/components/schemas/Task" } },
                "next_cursor": { "type": ["string", "null"] }, "limit": { "type": "integer" } } },
            "HistoryEntry": { "type": "object", "properties": {
                "event_id": { "type": "string", "format": "uuid" }, "version": { "type": "integer" },
                "event_type": { "type": "string" }, "schema_version": { "type": "integer", "description": "The version data is in (upcast to the current one)" },
                "recorded_schema_version": { "type": "integer", "description": "The version the event was written with" },
                "data": { "type": "object" }, "occurred_at": { "type": "string", "format": "date-time" },
                "tenant_id": { "type": "string" }, "actor": { "type": "string" }, "command_id": { "type": "string" },
                "correlation_id": { "type": "string" }, "causation_id": { "type": "string" },
                "partition": { "type": "integer" }, "offset": { "type": "integer" } } },
            "HistoryPage": { "type": "object", "properties": {
                "task_id": { "type": "string", "format": "uuid" },
                "items": { "type": "array", "items": { "$ref": "#/components/schemas/HistoryEntry" } },
                "next_cursor": { "type": ["string", "null"] }, "limit": { "type": "integer" } } },
            "Stats": { "type": "object", "properties": {
                "tenant_id": { "type": "string" }, "total": { "type": "integer" },
                "by_status": { "type": "object", "additionalProperties": { "type": "integer" } },
                "completions_per_day": { "type": "array", "items": { "type": "object", "properties": {
                    "day": { "type": "string", "format": "date" }, "completions": { "type": "integer" } } } } } },
            "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "object", "required": ["code", "message", "details"], "properties": {
                "code": { "type": "string", "description": "invalid_parameter, invalid_header, not_found, method_not_allowed, task_not_found, database_unavailable, internal" },
                "message": { "type": "string" }, "details": { "type": "object" } } } } }
        } }
    })
});
