//! Forwarding a command to the instance that owns its partition.

use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use events::Aggregate;

use crate::http::request_context::{
    ACTOR, CORRELATION_ID, FORWARDED, IDEMPOTENCY_KEY, RequestContext, TENANT_ID,
};
use crate::service::Submission;

pub struct Forwarder {
    client: reqwest::Client,
}

impl Forwarder {
    pub fn new(timeout: Duration) -> Self {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .pool_max_idle_per_host(64)
            .build()
            .expect("building the HTTP client");
        Self { client }
    }

    /// The owner's answer, or `None` when it could not take the command
    /// (unreachable, or no longer the owner) and routing should be re-read.
    pub async fn forward<A: Aggregate>(
        &self,
        owner_url: &str,
        submission: &Submission<A>,
    ) -> Option<HttpResponse> {
        let mut request = self
            .client
            .post(format!("{owner_url}{}", submission.forward_path))
            .header(FORWARDED, "true")
            .json(&submission.forward_body);
        for (name, value) in headers_of(&submission.context) {
            request = request.header(name, value);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                tracing::warn!(%error, owner_url, "forwarding failed");
                return None;
            }
        };
        let status = StatusCode::from_u16(response.status().as_u16()).ok()?;
        if status == StatusCode::SERVICE_UNAVAILABLE {
            return None;
        }
        let mut answer = HttpResponse::build(status);
        for name in ["content-type", "etag", "idempotent-replayed"] {
            if let Some(value) = response.headers().get(name).and_then(|v| v.to_str().ok()) {
                answer.insert_header((name, value.to_owned()));
            }
        }
        let body = response.bytes().await.ok()?;
        Some(answer.body(body))
    }
}

fn headers_of(context: &RequestContext) -> Vec<(&'static str, String)> {
    let mut headers = vec![
        (TENANT_ID, context.tenant_id.clone()),
        (ACTOR, context.actor.clone()),
        (CORRELATION_ID, context.correlation_id.clone()),
        (
            platform::http::REQUEST_ID_HEADER,
            context.request_id.clone(),
        ),
    ];
    if let crate::writer::ExpectedVersion::Exactly(version) = context.expected_version {
        headers.push(("if-match", format!("\"{version}\"")));
    }
    if let Some(key) = &context.idempotency_key {
        headers.push((IDEMPOTENCY_KEY, key.clone()));
    }
    if let Some(authorization) = &context.authorization {
        headers.push(("authorization", authorization.clone()));
    }
    headers
}
