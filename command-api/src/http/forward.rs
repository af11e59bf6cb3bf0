//! Forwarding a command to the instance that owns its partition: the same
//! path, body and caller headers, answered with the owner's response.

use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::Value;

use crate::http::request_context::{
    ACTOR, CORRELATION_ID, FORWARDED, IDEMPOTENCY_KEY, RequestContext, TENANT_ID,
};
use crate::service::OwnerLink;
use crate::writer::ExpectedVersion;

/// The HTTP client every forwarded command goes through.
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
    async fn forward(
        &self,
        owner_url: &str,
        request: &ForwardedRequest<'_>,
    ) -> Option<HttpResponse> {
        let mut outgoing = self
            .client
            .post(format!("{owner_url}{}", request.path))
            .header(FORWARDED, "true")
            .json(&request.body);
        for (name, value) in headers_of(request.context) {
            outgoing = outgoing.header(name, value);
        }
        let response = match outgoing.send().await {
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

/// A command request as the owner should receive it.
pub struct ForwardedRequest<'a> {
    pub forwarder: &'a Forwarder,
    pub context: &'a RequestContext,
    pub path: String,
    pub body: Value,
}

impl OwnerLink for ForwardedRequest<'_> {
    type Answer = HttpResponse;

    fn send_to(&self, owner_url: &str) -> impl Future<Output = Option<HttpResponse>> {
        self.forwarder.forward(owner_url, self)
    }
}

fn headers_of(context: &RequestContext) -> Vec<(&'static str, String)> {
    let command = &context.command;
    let mut headers = vec![
        (TENANT_ID, command.tenant_id.clone()),
        (ACTOR, command.actor.clone()),
        (CORRELATION_ID, command.correlation_id.clone()),
        (
            platform::http::REQUEST_ID_HEADER,
            context.request_id.clone(),
        ),
    ];
    if let ExpectedVersion::Exactly(version) = command.expected_version {
        headers.push(("if-match", format!("\"{version}\"")));
    }
    if let Some(key) = &command.idempotency_key {
        headers.push((IDEMPOTENCY_KEY, key.clone()));
    }
    if let Some(authorization) = &context.authorization {
        headers.push(("authorization", authorization.clone()));
    }
    headers
}
