//! `/healthz`, `/readyz` and `/metrics`.

use std::sync::Arc;

use actix_web::{HttpResponse, web};
use metrics_exporter_prometheus::PrometheusHandle;
use serde_json::{Value, json};

use super::endpoint;

/// What `/readyz` reports. `ready == false` answers 503.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Readiness {
    pub ready: bool,
    pub checks: Value,
}

pub type ReadinessProbe =
    Arc<dyn Fn() -> futures::future::BoxFuture<'static, Readiness> + Send + Sync>;

/// `/healthz`, `/readyz` and `/metrics`.
pub fn operational_routes(
    config: &mut web::ServiceConfig,
    readiness: ReadinessProbe,
    metrics: PrometheusHandle,
) {
    config
        .app_data(web::Data::new(readiness))
        .service(endpoint("/readyz").get(readyz));
    liveness_and_metrics_routes(config, metrics);
}

/// `/healthz` and `/metrics` only, for a service that answers `/readyz`
/// itself (the projector's readiness has a third answer, degraded).
pub fn liveness_and_metrics_routes(config: &mut web::ServiceConfig, metrics: PrometheusHandle) {
    config
        .app_data(web::Data::new(metrics))
        .service(endpoint("/healthz").get(healthz))
        .service(endpoint("/metrics").get(render_metrics));
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

async fn readyz(probe: web::Data<ReadinessProbe>) -> HttpResponse {
    let readiness = (probe.get_ref())().await;
    let status = if readiness.ready {
        "ready"
    } else {
        "not_ready"
    };
    let body = json!({ "status": status, "checks": readiness.checks });
    if readiness.ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

async fn render_metrics(handle: web::Data<PrometheusHandle>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(handle.render())
}
