//! `POST /v1/projections/{name}/rebuild`, `.../rollback` and
//! `.../versions/{version}/drop`: the CLI's `rebuild`, `rollback` and `drop`
//! over HTTP, for the console.

use actix_web::{HttpResponse, web};
use platform::ApiError;
use serde::Deserialize;

use super::Projections;

#[derive(Debug, Deserialize)]
pub struct DropOptions {
    /// Drop even within the grace period after a switch.
    #[serde(default)]
    force: bool,
}

/// 202: the next version is building; the projectors switch to it once it
/// has caught up (follow it on `GET /v1/projections`).
pub async fn rebuild(
    projections: web::Data<Projections>,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let rebuilding = projections.operations.rebuild(&name).await?;
    Ok(HttpResponse::Accepted().json(rebuilding))
}

pub async fn rollback(
    projections: web::Data<Projections>,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let switched = projections.operations.rollback(&name, None).await?;
    Ok(HttpResponse::Ok().json(switched))
}

pub async fn drop_version(
    projections: web::Data<Projections>,
    path: web::Path<(String, u32)>,
    options: web::Query<DropOptions>,
) -> Result<HttpResponse, ApiError> {
    let (name, version) = path.into_inner();
    let dropped = projections
        .operations
        .drop_version(&name, Some(version), options.force)
        .await?;
    Ok(HttpResponse::Ok().json(dropped))
}
