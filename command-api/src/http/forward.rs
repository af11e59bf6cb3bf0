//! Forwarding a command to the instance that owns its partition: the same
//! path, body and caller headers, answered with the owner's response. A
//! key claim goes to the owner of the key's partition the same way, on the
//! internal claim route (`key_claim_route`).

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use platform::ApiError;
use serde_json::Value;

use crate::http::request_context::{
    ACTOR, CORRELATION_ID, FORWARDED, IDEMPOTENCY_KEY, RequestContext, TENANT_ID,
};
use crate::rejection::Rejection;
use crate::service::OwnerLink;
use crate::writer::ExpectedVersion;
use crate::writer::key_claims::ClaimAction;

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
            // Nothing reached the owner: safe to re-route.
            Err(error) if error.is_connect() => {
                tracing::warn!(%error, owner_url, "forwarding failed");
                return None;
            }
            Err(error) => {
                tracing::warn!(%error, owner_url, "the forwarded command's answer was lost");
                return lost_answer(request);
            }
        };
        let status = StatusCode::from_u16(response.status().as_u16()).ok()?;
        let mut answer = HttpResponse::build(status);
        for name in ["content-type", "etag", "idempotent-replayed"] {
            if let Some(value) = response.headers().get(name).and_then(|v| v.to_str().ok()) {
                answer.insert_header((name, value.to_owned()));
            }
        }
        let Ok(body) = response.bytes().await else {
            return lost_answer(request);
        };
        // The owner's own "not decided" is re-routed; its "outcome unknown" is the client's.
        if status == StatusCode::SERVICE_UNAVAILABLE && !is_outcome_unknown(&body) {
            return None;
        }
        Some(answer.body(body))
    }

    /// The claim's decision, or `None` when the owner could not decide it.
    async fn claim(
        &self,
        owner_url: &str,
        request: &ForwardedRequest<'_>,
        stream_id: uuid::Uuid,
        action: ClaimAction,
    ) -> Option<Result<bool, Rejection>> {
        let release = action == ClaimAction::Release;
        let mut outgoing = self
            .client
            .post(format!("{owner_url}{}", request.claim_path))
            .header(FORWARDED, "true")
            .json(&serde_json::json!({ "stream_id": stream_id, "release": release }));
        for (name, value) in headers_of(request.context) {
            outgoing = outgoing.header(name, value);
        }
        let response = outgoing
            .send()
            .await
            .inspect_err(|error| tracing::warn!(%error, owner_url, "forwarding a key claim failed"))
            .ok()?;
        match response.status().as_u16() {
            201 => Some(Ok(true)),
            204 => Some(Ok(false)),
            422 => Some(Err(Rejection::IdempotencyKeyReused {
                key: request
                    .context
                    .command
                    .idempotency_key
                    .clone()
                    .unwrap_or_default(),
            })),
            _ => None,
        }
    }
}

/// A command request as the owner should receive it.
pub struct ForwardedRequest<'a> {
    pub forwarder: &'a Forwarder,
    pub context: &'a RequestContext,
    pub path: String,
    pub body: Value,
    /// The aggregate's key claim route (`key_claim_route`).
    pub claim_path: String,
    /// The stream's partition, named in an "outcome unknown" answer.
    pub partition: i32,
}

/// The owner may have appended the command before its answer was lost. A
/// keyed command is re-routed (its retry replays); an unkeyed one could apply
/// twice, so its outcome is unknown.
fn lost_answer(request: &ForwardedRequest<'_>) -> Option<HttpResponse> {
    if request.context.command.idempotency_key.is_some() {
        return None;
    }
    let partition = request.partition;
    Some(ApiError::from(Rejection::OutcomeUnknown { partition }).error_response())
}

fn is_outcome_unknown(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body)
        .is_ok_and(|error| error["error"]["details"]["outcome"] == "unknown")
}

impl OwnerLink for ForwardedRequest<'_> {
    type Answer = HttpResponse;

    fn send_to(&self, owner_url: &str) -> impl Future<Output = Option<HttpResponse>> {
        self.forwarder.forward(owner_url, self)
    }

    fn is_refusal(answer: &HttpResponse) -> bool {
        answer.status().is_client_error()
    }

    fn claim_at(
        &self,
        owner_url: &str,
        stream_id: uuid::Uuid,
        action: ClaimAction,
    ) -> impl Future<Output = Option<Result<bool, Rejection>>> {
        self.forwarder.claim(owner_url, self, stream_id, action)
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
