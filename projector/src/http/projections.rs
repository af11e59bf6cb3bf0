//! `GET /v1/projections`: every version of every projection as the last
//! status snapshot saw it (the same data as `projector status --json`, at
//! most a second old), each with `local`: this process's worker of it, if
//! any, and the partitions it holds.

use actix_web::{HttpResponse, web};
use serde_json::{Value, json};

use super::Projections;

pub async fn list(projections: web::Data<Projections>) -> HttpResponse {
    let snapshot = projections.shared.status();
    let workers = projections.shared.workers();
    let local = |projection: &str| -> Value {
        workers
            .iter()
            .find(|worker| worker.projection == projection)
            .map_or(Value::Null, |worker| json!(worker.report()))
    };
    let mut entries: Vec<Value> = Vec::new();
    if let Some(snapshot) = &snapshot {
        for version in &snapshot.versions {
            let mut entry = json!(version);
            entry["local"] = local(&version.projection);
            entries.push(entry);
        }
    }
    // A worker the snapshot does not know yet (a rebuild just started).
    for worker in &workers {
        let known = snapshot
            .as_ref()
            .is_some_and(|snapshot| snapshot.version(&worker.projection).is_some());
        if !known {
            entries.push(json!({ "projection": worker.projection, "local": worker.report() }));
        }
    }
    HttpResponse::Ok().json(json!({
        "taken_at": snapshot.as_ref().map(|snapshot| snapshot.taken_at),
        "projections": entries,
    }))
}
