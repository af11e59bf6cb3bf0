//! `GET /openapi.json`: the contract of the projector's HTTP endpoints
//! (OpenAPI 3.1): the open operational ones, and `GET /v1/projections` and
//! the operators' actions (`operations_openapi`), which need `ops:admin`.

use std::sync::LazyLock;

use actix_web::HttpResponse;
use platform::auth::SCOPE_OPS_ADMIN;
use platform::openapi::{self as shared, guard_refusals, requires};
use serde_json::{Map, Value, json};

use crate::status::State;

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(&*DOCUMENT)
}

/// The document the service serves.
pub fn openapi_document() -> &'static Value {
    &DOCUMENT
}

fn nullable(schema: Value) -> Value {
    json!({ "anyOf": [schema, { "type": "null" }] })
}

fn integer() -> Value {
    json!({ "type": "integer" })
}

/// `StatusReport`: this process's worker of one projection version;
/// `/readyz` adds `parked_events` to it.
fn worker_report(with_parked_events: bool) -> Value {
    let mut report = json!({
        "type": "object", "additionalProperties": false,
        "required": ["projection", "topic", "group", "running", "database_error", "newest_event_at", "partitions"],
        "properties": {
            "projection": { "type": "string" },
            "topic": { "type": "string" },
            "group": { "type": "string" },
            "running": { "type": "boolean" },
            "database_error": { "type": ["string", "null"] },
            "newest_event_at": nullable(json!({ "type": "string", "format": "date-time" })),
            "partitions": { "type": "array", "items": {
                "type": "object", "additionalProperties": false,
                "required": ["partition", "next_offset", "high_watermark", "lag"],
                "properties": { "partition": integer(), "next_offset": integer(),
                                "high_watermark": nullable(integer()), "lag": nullable(integer()) } } }
        }
    });
    if with_parked_events {
        report["required"]
            .as_array_mut()
            .unwrap()
            .push(json!("parked_events"));
        report["properties"]["parked_events"] = json!({ "type": "integer", "minimum": 0 });
    }
    report
}

fn schemas() -> Map<String, Value> {
    let number = || nullable(json!({ "type": "number" }));
    let schemas = [
        ("WorkerReport", worker_report(false)),
        ("WorkerReadiness", worker_report(true)),
        (
            "ProjectionVersion",
            json!({
                "type": "object", "additionalProperties": false,
                "required": ["projection", "local", "local_workers"],
                "description": "A version as the last status snapshot saw it, with `local_workers`: this process's workers of it, one per topic it reads, and `local`: the first of them. A worker the snapshot does not know yet (a rebuild that just started) has only `projection`, `local` and `local_workers`.",
                "properties": {
                    "projection": { "type": "string", "examples": ["tasks.v2"] },
                    "name": { "type": "string" },
                    "kind": { "type": "string", "enum": ["projection", "process_manager"] },
                    "version": { "type": "integer", "minimum": 1 },
                    "role": { "type": "string", "enum": ["building", "live", "standby", "dropped"] },
                    "state": { "type": "string", "enum": State::ALL.map(State::as_str) },
                    "serving": { "type": "boolean", "description": "Whether the query API reads it." },
                    "topic": { "type": "string", "description": "The first of `topics`." },
                    "topics": { "type": "array", "items": { "type": "string" }, "description": "Every topic it reads (a cross-aggregate projection reads several)." },
                    "group": { "type": "string", "description": "The first of `groups`." },
                    "groups": { "type": "array", "items": { "type": "string" }, "description": "Its consumer groups, one per topic in the order of `topics`: `<prefix><projection>` for a projection of one topic, `<prefix><projection>.<topic name>` for each topic otherwise." },
                    "consumers": nullable(json!({ "type": "integer", "minimum": 0, "description": "Members of its consumer groups, the fewest of any." })),
                    "parked_events": integer(),
                    "pending_commands": nullable(json!({ "type": "integer", "minimum": 0, "description": "A process manager's decided commands not delivered yet; null for a projection." })),
                    "lag": nullable(integer()),
                    "events_per_second": number(),
                    "catch_up_seconds": number(),
                    "partitions": { "type": "array", "items": {
                        "type": "object", "additionalProperties": false,
                        "required": ["topic", "partition", "checkpoint", "high_watermark", "lag"],
                        "properties": { "topic": { "type": "string" }, "partition": integer(), "checkpoint": nullable(integer()),
                                        "high_watermark": nullable(integer()), "lag": nullable(integer()) } } },
                    "local": nullable(json!({ "$ref": "#/components/schemas/WorkerReport" })),
                    "local_workers": { "type": "array", "items": { "$ref": "#/components/schemas/WorkerReport" } }
                }
            }),
        ),
        (
            "Projections",
            json!({
                "type": "object", "additionalProperties": false, "required": ["taken_at", "projections"],
                "properties": {
                    "taken_at": nullable(json!({ "type": "string", "format": "date-time", "description": "When the status snapshot was taken (at most about a second ago); null before the first one." })),
                    "projections": { "type": "array", "items": { "$ref": "#/components/schemas/ProjectionVersion" } }
                }
            }),
        ),
        (
            "Readiness",
            json!({
                "type": "object", "additionalProperties": false, "required": ["status", "parked_events", "checks"],
                "properties": {
                    "status": { "type": "string", "enum": ["ready", "degraded", "not_ready"] },
                    "parked_events": { "type": "integer", "minimum": 0 },
                    "checks": { "type": "object", "required": ["database", "projections"], "properties": {
                        "database": { "type": "boolean" },
                        "projections": { "type": "array", "items": { "$ref": "#/components/schemas/WorkerReadiness" } }
                    } }
                }
            }),
        ),
    ];
    schemas
        .into_iter()
        .chain(super::operations_openapi::schemas())
        .map(|(name, schema)| (name.to_owned(), schema))
        .collect()
}

fn readiness(description: &str, statuses: &[&str]) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": {
        "allOf": [{ "$ref": "#/components/schemas/Readiness" }],
        "properties": { "status": { "enum": statuses } }
    } } } })
}

static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    let mut projections = Map::new();
    projections.insert("200".into(), json!({ "description": "Every version of every projection",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Projections" } } } }));
    // The projector's routes are not rate limited (RouteClass::Operations).
    for (status, response) in guard_refusals() {
        if status != "429" {
            projections.insert(status.to_owned(), response);
        }
    }
    let readyz = json!({ "get": {
        "operationId": "readyz",
        "summary": "Readiness, with a third answer: degraded",
        "description": "200 `ready`; 200 `degraded` when events are parked (the projector works, the other streams flow, people must act: `projector parked list`); 503 `not_ready` when PostgreSQL does not answer or a worker is down or failing on the database.",
        "tags": ["operations"],
        "security": shared::OPEN,
        "responses": {
            "200": readiness("Ready, or degraded: events are parked", &["ready", "degraded"]),
            "503": readiness("Not ready", &["not_ready"]),
            "405": { "$ref": "#/components/responses/MethodNotAllowed" },
            "408": { "$ref": "#/components/responses/RequestTimeout" },
            "431": { "$ref": "#/components/responses/HeadersTooLarge" }
        }
    } });
    let mut paths = super::operations_openapi::paths();
    paths.insert(
        "/v1/projections".into(),
        json!({ "get": {
        "operationId": "listProjections",
        "summary": "Every version of every projection: state, lag, rate, and this process's share",
        "tags": ["projections"],
        "security": requires(SCOPE_OPS_ADMIN),
        "responses": projections
    } }),
    );
    paths.insert("/healthz".into(), shared::liveness_path());
    paths.insert("/readyz".into(), readyz);
    paths.insert("/metrics".into(), shared::metrics_path());
    paths.insert("/openapi.json".into(), shared::openapi_path());
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Projector",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The projector's HTTP endpoints: health, readiness (with degraded), metrics, the status of every projection version, and the operators' actions the console uses (rebuild, rollback, drop, parked events with retry and skip; scope ops:admin). The `projector` CLI does the same, and also reset."
        },
        "tags": [
            { "name": "projections", "description": "Projection status and operators' actions (scope ops:admin)." },
            { "name": "operations", "description": "Open operational endpoints." }
        ],
        "security": requires(SCOPE_OPS_ADMIN),
        "paths": paths,
        "components": shared::components(schemas()),
    })
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_valid_openapi_3_1_and_every_ref_resolves() {
        if let Err(problems) = schemas::openapi::check_document(openapi_document()) {
            panic!("{} problems:\n{}", problems.len(), problems.join("\n"));
        }
    }

    #[test]
    fn a_worker_report_fits_its_schema() {
        let state = crate::engine::WorkerState::new(
            "tasks.v1".into(),
            "events.tasks".into(),
            "projector.tasks.v1".into(),
        );
        let report = serde_json::to_value(state.report()).unwrap();
        let validator = schemas::openapi::compile_in_place(
            openapi_document(),
            "/components/schemas/WorkerReport",
        )
        .unwrap();
        assert!(validator.is_valid(&report), "{report}");
    }
}
