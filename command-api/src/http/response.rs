use actix_web::HttpResponse;
use actix_web::http::header;
use events::Aggregate;
use serde_json::json;

use crate::writer::CommandOutcome;

/// 201 for a create, 200 otherwise; `ETag` is the stream's version.
pub fn command_response<A: Aggregate>(outcome: &CommandOutcome) -> HttpResponse {
    let mut response = if outcome.created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    response.insert_header((header::ETAG, format!("\"{}\"", outcome.version)));
    if outcome.replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    response.json(json!({
        format!("{}_id", A::STREAM_TYPE): outcome.stream_id,
        "version": outcome.version,
        "position": outcome.position.as_ref().map(ToString::to_string),
    }))
}
