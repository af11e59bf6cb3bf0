//! Handlers: parse the request into a command, hand it to the service
//! (which may have it forwarded), answer with its outcome.

use actix_web::{HttpRequest, HttpResponse, web};
use events::{Aggregate, CommandParseError, CommandParseErrorKind};
use platform::http::{endpoint, read_json_body};
use platform::{ApiError, ErrorCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::http::command_http::CommandHttp;
use crate::http::forward::ForwardedRequest;
use crate::http::request_context::RequestContext;
use crate::http::response::command_response;
use crate::service::{Answer, CommandService, Submission};
use crate::writer::key_claims::ClaimAction;

/// `POST /v1/{topic}` creates, `POST /v1/{topic}/{id}/{command}` runs any
/// other command; instances claim idempotency keys from each other on
/// [`key_claim_route`].
pub fn configure<A: Aggregate>(config: &mut web::ServiceConfig) {
    let collection = format!("/v1/{}", A::TOPIC_NAME);
    config
        .service(endpoint(&collection).post(create::<A>))
        .service(endpoint(&format!("{collection}/{{id}}/{{command}}")).post(command::<A>))
        .service(endpoint(&key_claim_route(A::TOPIC_NAME)).post(claim_key::<A>));
}

/// Where one instance asks the owner of a key's partition to claim the key
/// for a stream: `Idempotency-Key` and the caller's token as on the command,
/// body `{"stream_id": …, "release": false}`; 201 when this bound the key,
/// 204 when it already was the stream's (or, with `release`, is no longer),
/// 422 `idempotency_key_reused` when another stream has it, 503 when this
/// instance does not own the key's partition.
pub fn key_claim_route(topic_name: &str) -> String {
    format!("/internal/v1/{topic_name}/key-claims")
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyClaimBody {
    stream_id: Uuid,
    #[serde(default)]
    release: bool,
}

async fn claim_key<A: Aggregate>(
    request: HttpRequest,
    payload: web::Payload,
    service: web::Data<CommandService<A>>,
    http: web::Data<CommandHttp>,
) -> Result<HttpResponse, ApiError> {
    let context = RequestContext::from_request(&request)?;
    let body = read_json_body(&request, payload, http.max_body_bytes).await?;
    let KeyClaimBody { stream_id, release } = serde_json::from_value(body)
        .map_err(|error| ApiError::invalid_field("stream_id", error.to_string()))?;
    let Some(key) = &context.command.idempotency_key else {
        return Err(ApiError::new(
            ErrorCode::InvalidHeader,
            "a key claim needs an Idempotency-Key header",
        )
        .with_details(json!({ "header": "Idempotency-Key" })));
    };
    let tenant_id = &context.command.tenant_id;
    let partition = service.partition_of_key(tenant_id, key);
    let deadline = std::time::Instant::now() + service.timeout;
    let action = if release {
        ClaimAction::Release
    } else {
        ClaimAction::Claim
    };
    let newly_claimed = service
        .claim_here(partition, tenant_id, key, stream_id, action, deadline)
        .await?;
    Ok(if newly_claimed {
        HttpResponse::Created().finish()
    } else {
        HttpResponse::NoContent().finish()
    })
}

async fn create<A: Aggregate>(
    request: HttpRequest,
    payload: web::Payload,
    service: web::Data<CommandService<A>>,
    http: web::Data<CommandHttp>,
) -> Result<HttpResponse, ApiError> {
    let context = RequestContext::from_request(&request)?;
    let mut body = read_json_body(&request, payload, http.max_body_bytes).await?;
    let id_field = format!("{}_id", A::STREAM_TYPE);
    let supplied_id = take_id(&mut body, &id_field)?;
    let command = events::parse_command::<A>("create", body.clone()).map_err(parse_error)?;
    let stream_id = supplied_id.unwrap_or_else(|| match &context.command.idempotency_key {
        // A retried create without an id must land on the same stream.
        Some(key) => Uuid::new_v5(
            &Uuid::NAMESPACE_OID,
            format!("{}/{}/{key}", A::STREAM_TYPE, context.command.tenant_id).as_bytes(),
        ),
        None => Uuid::now_v7(),
    });
    if let Value::Object(fields) = &mut body {
        fields.insert(id_field, json!(stream_id));
    }
    let path = format!("/v1/{}", A::TOPIC_NAME);
    submit(&service, &http, stream_id, command, &context, path, body).await
}

async fn command<A: Aggregate>(
    request: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
    service: web::Data<CommandService<A>>,
    http: web::Data<CommandHttp>,
) -> Result<HttpResponse, ApiError> {
    let (id, name) = path.into_inner();
    let stream_id = Uuid::parse_str(&id).map_err(|_| {
        ApiError::new(ErrorCode::InvalidParameter, format!("{id:?} is not a UUID"))
            .with_details(json!({ "parameter": "id" }))
    })?;
    let context = RequestContext::from_request(&request)?;
    let body = read_json_body(&request, payload, http.max_body_bytes).await?;
    if name == "create" {
        return Err(parse_error(CommandParseError::unknown_command(&name)));
    }
    let command = events::parse_command::<A>(&name, body.clone()).map_err(parse_error)?;
    let path = format!("/v1/{}/{stream_id}/{name}", A::TOPIC_NAME);
    submit(&service, &http, stream_id, command, &context, path, body).await
}

/// Runs the command here or, through a forward of this request, at its owner.
async fn submit<A: Aggregate>(
    service: &CommandService<A>,
    http: &CommandHttp,
    stream_id: Uuid,
    command: A::Command,
    context: &RequestContext,
    forward_path: String,
    forward_body: Value,
) -> Result<HttpResponse, ApiError> {
    let submission = Submission {
        stream_id,
        command,
        context: context.command.clone(),
    };
    let forwarded = ForwardedRequest {
        forwarder: &http.forwarder,
        context,
        path: forward_path,
        body: forward_body,
        claim_path: key_claim_route(A::TOPIC_NAME),
        partition: service.partition_of(stream_id),
    };
    match service.execute(submission, &forwarded).await? {
        Answer::Decided(outcome) => Ok(command_response::<A>(&outcome)),
        Answer::Forwarded(response) => Ok(response),
    }
}

/// Removes the client-chosen stream id from a create body, if there is one.
fn take_id(body: &mut Value, field: &str) -> Result<Option<Uuid>, ApiError> {
    let Value::Object(fields) = body else {
        return Ok(None);
    };
    match fields.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Uuid::parse_str(&text)
            .map(Some)
            .map_err(|_| ApiError::invalid_field(field, format!("{field} must be a UUID"))),
        Some(_) => Err(ApiError::invalid_field(
            field,
            format!("{field} must be a UUID string"),
        )),
    }
}

fn parse_error(error: CommandParseError) -> ApiError {
    match error.kind {
        CommandParseErrorKind::UnknownCommand => {
            ApiError::new(ErrorCode::UnknownCommand, error.message)
        }
        CommandParseErrorKind::InvalidBody => match error.field {
            Some(field) => ApiError::invalid_field(&field, error.message),
            None => ApiError::new(ErrorCode::InvalidField, error.message).with_details(json!({})),
        },
    }
}
