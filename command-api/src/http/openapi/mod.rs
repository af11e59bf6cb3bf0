//! `GET /openapi.json`: the command API's contract (OpenAPI 3.1), put
//! together from the part each mounted aggregate supplies
//! ([`AggregateOpenApi`]: hand-written for tasks in `task` and for projects
//! in `project`, derived from the `Aggregate` trait in `generic` otherwise).
//! Headers and answers are in `operations`; the security scheme, the error
//! contract and the operational paths are the platform's.

mod aggregate_openapi;
mod generic;
mod instances;
mod key_claims;
mod operation;
mod operations;
mod project;
mod project_bodies;
mod task;
mod task_bodies;

use std::sync::LazyLock;

use actix_web::{HttpResponse, web};
use platform::auth::SCOPE_COMMANDS_WRITE;
use platform::openapi::{self as shared, requires};
use serde_json::{Map, Value, json};

pub use aggregate_openapi::AggregateOpenApi;
pub use generic::generic_openapi;
pub use project::project_openapi;
pub use task::task_openapi;

/// The document one application serves, built once at start.
pub struct OpenApiDocument(pub Value);

pub async fn document(document: web::Data<OpenApiDocument>) -> HttpResponse {
    HttpResponse::Ok().json(&document.0)
}

/// The document of the command API with the task and project aggregates
/// mounted, as `Application::build` serves it.
pub fn openapi_document() -> &'static Value {
    &DOCUMENT
}

static DOCUMENT: LazyLock<Value> =
    LazyLock::new(|| document_for(&[task_openapi(), project_openapi()]));

/// The whole document for these mounted aggregates.
pub fn document_for(aggregates: &[AggregateOpenApi]) -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for aggregate in aggregates {
        paths.extend(aggregate.paths.clone());
        schemas.extend(aggregate.schemas.clone());
        paths.insert(
            crate::http::routes::key_claim_route(aggregate.topic_name),
            key_claims::key_claim_path(aggregate.topic_name),
        );
    }
    paths.insert("/healthz".into(), shared::liveness_path());
    paths.insert(
        "/readyz".into(),
        shared::readiness_path(
            "Kafka reachable and every owned partition restored (its streams' snapshots and its idempotency key claims)",
        ),
    );
    paths.insert("/metrics".into(), shared::metrics_path());
    paths.insert("/openapi.json".into(), shared::openapi_path());
    paths.insert("/v1/instances".into(), instances::instances_path());
    schemas.insert("Instances".into(), instances::instances_schema());

    let topics = aggregates
        .iter()
        .map(|aggregate| aggregate.topic_name)
        .collect::<Vec<_>>()
        .join(", ");
    let owner = match aggregates {
        [only] => only.stream_type,
        _ => "stream",
    };
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Command API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "Commands on {topics}. Each success names the {owner}'s new version (also the ETag) and an opaque `position` token for read-your-writes. \
                 Every command needs a bearer JWT with the scope `commands:write`; the tenant and the actor are the token's. \
                 Errors always have the shape `{{ \"error\": {{ \"code\", \"message\", \"details\" }} }}`; each response lists the codes it can carry."
            )
        },
        "tags": [
            { "name": "commands", "description": format!("Commands on {topics} (scope commands:write).") },
            { "name": "operations", "description": "Open operational endpoints." }
        ],
        "security": requires(SCOPE_COMMANDS_WRITE),
        "paths": paths,
        "components": shared::components(schemas),
    })
}

#[cfg(test)]
mod tests;
