//! `GET /v1/projections`: every version of every projection as the last
//! status snapshot saw it (the same data as `projector status --json`, at
//! most a second old), each with `local_workers`: this process's workers of
//! it (one per topic it reads) and the partitions each holds, and `local`,
//! the first of them (or null).

use actix_web::{HttpResponse, web};
use serde_json::{Value, json};

use super::Projections;

pub async fn list(projections: web::Data<Projections>) -> HttpResponse {
    let snapshot = projections.shared.status();
    let workers = projections.shared.workers();
    // This process's workers of a version: one per topic it reads.
    let local = |projection: &str| -> Vec<Value> {
        workers
            .iter()
            .filter(|worker| worker.projection == projection)
            .map(|worker| json!(worker.report()))
            .collect()
    };
    let mut entries: Vec<Value> = Vec::new();
    if let Some(snapshot) = &snapshot {
        for version in &snapshot.versions {
            let mut entry = json!(version);
            let workers = local(&version.projection);
            entry["local"] = workers.first().cloned().unwrap_or(Value::Null);
            entry["local_workers"] = json!(workers);
            entries.push(entry);
        }
    }
    // A worker the snapshot does not know yet (a rebuild just started).
    for worker in &workers {
        let known = snapshot
            .as_ref()
            .is_some_and(|snapshot| snapshot.version(&worker.projection).is_some());
        if !known {
            entries.push(json!({
                "projection": worker.projection,
                "local": worker.report(),
                "local_workers": [worker.report()],
            }));
        }
    }
    HttpResponse::Ok().json(json!({
        "taken_at": snapshot.as_ref().map(|snapshot| snapshot.taken_at),
        "projections": entries,
    }))
}
