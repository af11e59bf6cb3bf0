//! `GET /readyz`: 503 `not_ready` when PostgreSQL does not answer or a worker
//! is down or failing on the database; 200 `degraded` when events are parked;
//! 200 `ready` otherwise.
//!
//! Parked events answer 200, not 503, on purpose: the projector is doing its
//! job (the other streams flow, checkpoints move on), and taking it out of
//! rotation or restarting it would not unpark anything. The degradation is
//! for people: `status`, `parked_events` and the `ParkedEvents` alert.

use actix_web::{HttpResponse, web};
use read_model::parked;
use serde_json::json;

use super::Projections;

pub async fn readyz(projections: web::Data<Projections>) -> HttpResponse {
    let database = sqlx::query("SELECT 1")
        .execute(&projections.pool)
        .await
        .is_ok();
    let waiting = if database {
        parked::waiting_by_projection(&projections.pool)
            .await
            .unwrap_or_default()
    } else {
        Default::default()
    };
    let workers = projections.shared.workers();
    let reports: Vec<_> = workers
        .iter()
        .map(|worker| {
            let report = worker.report();
            let parked_events = waiting.get(&report.projection).copied().unwrap_or(0);
            (report.healthy(), parked_events, report)
        })
        .collect();
    let ready = database && reports.iter().all(|(healthy, _, _)| *healthy);
    // A projection of several topics has a worker per topic: count its
    // parked events once.
    let parked_events: i64 = reports
        .iter()
        .map(|(_, parked, report)| (report.projection.as_str(), *parked))
        .collect::<std::collections::BTreeMap<_, _>>()
        .values()
        .sum();
    let status = match (ready, parked_events > 0) {
        (false, _) => "not_ready",
        (true, true) => "degraded",
        (true, false) => "ready",
    };
    let checks: Vec<_> = reports
        .into_iter()
        .map(|(_, parked_events, report)| {
            let mut value = serde_json::to_value(report).unwrap_or_default();
            value["parked_events"] = json!(parked_events);
            value
        })
        .collect();
    let body = json!({
        "status": status,
        "parked_events": parked_events,
        "checks": { "database": database, "projections": checks },
    });
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
