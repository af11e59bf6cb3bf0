//! The projector's HTTP side: `/readyz` (with its degraded state), the
//! status of every projection version on `GET /v1/projections`, and their
//! contract on `GET /openapi.json`, and the operators' actions the console
//! uses: rebuild, rollback and drop of versions, and retry and skip of
//! parked events. The CLI (`projector rebuild|rollback|drop|reset|parked`)
//! does the same from any machine with the database and Kafka.

pub mod openapi;
mod operation_errors;
mod operations_openapi;
mod parked;
mod projections;
mod readiness;
mod versions;

use std::sync::Arc;

use actix_web::web;
use platform::http::endpoint;
use sqlx::PgPool;

use crate::operations::Operations;
use crate::supervisor::Shared;

/// What the handlers read.
#[derive(Clone)]
pub struct Projections {
    pub shared: Arc<Shared>,
    pub pool: PgPool,
    pub operations: Arc<Operations>,
}

pub fn configure(config: &mut web::ServiceConfig, projections: Projections) {
    config
        .app_data(web::Data::new(projections))
        .service(endpoint("/readyz").get(readiness::readyz))
        .service(endpoint("/v1/projections").get(projections::list))
        .service(endpoint("/v1/projections/{name}/rebuild").post(versions::rebuild))
        .service(endpoint("/v1/projections/{name}/rollback").post(versions::rollback))
        .service(
            endpoint("/v1/projections/{name}/versions/{version}/drop").post(versions::drop_version),
        )
        .service(endpoint("/v1/parked").get(parked::list))
        .service(endpoint("/v1/parked/{id}/retry").post(parked::retry))
        .service(endpoint("/v1/parked/{id}/skip").post(parked::skip))
        .service(endpoint("/openapi.json").get(openapi::document));
}
