//! The projector's HTTP side: `/readyz` (with its degraded state), the
//! status of every projection version on `GET /v1/projections`, and their
//! contract on `GET /openapi.json`. Operators act through the CLI
//! (`projector rebuild|rollback|drop|reset|parked`), which any machine with
//! the database and Kafka can run.

pub mod openapi;
mod projections;
mod readiness;

use std::sync::Arc;

use actix_web::web;
use platform::http::endpoint;
use sqlx::PgPool;

use crate::supervisor::Shared;

/// What the handlers read.
#[derive(Clone)]
pub struct Projections {
    pub shared: Arc<Shared>,
    pub pool: PgPool,
}

pub fn configure(config: &mut web::ServiceConfig, projections: Projections) {
    config
        .app_data(web::Data::new(projections))
        .service(endpoint("/readyz").get(readiness::readyz))
        .service(endpoint("/v1/projections").get(projections::list))
        .service(endpoint("/openapi.json").get(openapi::document));
}
