//! The registry calls the command API makes at start. Registration goes
//! through `schema_registry_converter`; the converter has no call for a
//! subject's compatibility level, and its compatibility check answers a bare
//! yes/no (and on `/versions`, not `/versions/latest`), so those few REST calls
//! are made here, with the registry's reasons kept for the error message
//! (asked of Apicurio's own API when its ccompat API gives none).

use std::time::Duration;

use reqwest::StatusCode;
use schema_registry_converter::async_impl::schema_registry::{SrSettings, post_schema};
use schema_registry_converter::schema_registry_common::{SchemaType, SuppliedSchema};
use serde::Deserialize;
use serde_json::json;

use super::apicurio;
use super::error::{Operation, RegistryError};

/// The registry's REST media type (Confluent's v1 API).
const MEDIA_TYPE: &str = "application/vnd.schemaregistry.v1+json";
const TIMEOUT: Duration = Duration::from_secs(10);
const SEND_ATTEMPTS: u32 = 3;

pub struct RegistryClient {
    base_url: String,
    http: reqwest::Client,
    converter: SrSettings,
}

/// The registry's answer to a compatibility check.
#[derive(Debug, Deserialize)]
pub struct Compatibility {
    pub is_compatible: bool,
    /// Why not, when the registry says (Confluent with `verbose=true`; Apicurio
    /// never, see [`RegistryClient::refusal_reason`]).
    #[serde(default)]
    pub messages: Vec<String>,
}

impl Compatibility {
    pub fn reason(&self) -> String {
        if self.messages.is_empty() {
            "the registry gave no details".to_owned()
        } else {
            self.messages.join("; ")
        }
    }
}

/// Confluent's error body: `{ "error_code": 40401, "message": "..." }`.
#[derive(Debug, Deserialize)]
struct ErrorBody {
    message: String,
}

impl RegistryClient {
    pub fn new(url: &str) -> Result<Self, RegistryError> {
        let base_url = url.trim_end_matches('/').to_owned();
        let failed = |message: String| RegistryError::Request {
            url: base_url.clone(),
            operation: Operation::Connect,
            message,
        };
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .map_err(|error| failed(error.to_string()))?;
        let converter = SrSettings::new_builder(base_url.clone())
            .set_timeout(TIMEOUT)
            .build()
            .map_err(|error| failed(error.to_string()))?;
        Ok(Self {
            base_url,
            http,
            converter,
        })
    }

    /// Sends an idempotent request (a read, or a PUT of a setting), again
    /// when it could not be sent: a pooled connection the registry has just
    /// closed fails the first attempt, a busy registry may refuse one.
    async fn send(
        &self,
        operation: &Operation,
        request: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, RegistryError> {
        let mut attempt = 1;
        loop {
            match request().send().await {
                Ok(response) => return Ok(response),
                Err(error) if attempt < SEND_ATTEMPTS => {
                    tracing::warn!(%error, attempt, "schema registry request failed; retrying");
                    tokio::time::sleep(Duration::from_millis(200 * attempt as u64)).await;
                    attempt += 1;
                }
                Err(error) => return Err(self.failed(operation, error.to_string())),
            }
        }
    }

    /// True when the subject has at least one (non-deleted) version.
    pub async fn has_versions(&self, subject: &str) -> Result<bool, RegistryError> {
        let operation = Operation::ListVersions(subject.to_owned());
        let response = self
            .send(&operation, || {
                self.http
                    .get(format!("{}/subjects/{subject}/versions", self.base_url))
                    .header(reqwest::header::ACCEPT, MEDIA_TYPE)
            })
            .await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(false);
        }
        let versions: Vec<u32> = self.json(response, &operation).await?;
        Ok(!versions.is_empty())
    }

    pub async fn set_compatibility(&self, subject: &str, level: &str) -> Result<(), RegistryError> {
        let operation = Operation::SetCompatibility(subject.to_owned());
        let response = self
            .send(&operation, || {
                self.http
                    .put(format!("{}/config/{subject}", self.base_url))
                    .header(reqwest::header::CONTENT_TYPE, MEDIA_TYPE)
                    .header(reqwest::header::ACCEPT, MEDIA_TYPE)
                    .body(json!({ "compatibility": level }).to_string())
            })
            .await?;
        self.json::<serde_json::Value>(response, &operation)
            .await
            .map(drop)
    }

    /// Whether `schema` may become the next version of `subject`, checked
    /// against its latest version under the subject's compatibility level.
    pub async fn check_compatibility(
        &self,
        subject: &str,
        schema: &str,
    ) -> Result<Compatibility, RegistryError> {
        let operation = Operation::CheckCompatibility(subject.to_owned());
        let response = self
            .send(&operation, || {
                self.http
                    .post(format!(
                        "{}/compatibility/subjects/{subject}/versions/latest?verbose=true",
                        self.base_url
                    ))
                    .header(reqwest::header::CONTENT_TYPE, MEDIA_TYPE)
                    .header(reqwest::header::ACCEPT, MEDIA_TYPE)
                    .body(json!({ "schemaType": "JSON", "schema": schema }).to_string())
            })
            .await?;
        self.json(response, &operation).await
    }

    /// Why the registry refused `schema` for `subject`: the check's own
    /// messages, else (Apicurio) the causes its v3 API gives.
    pub async fn refusal_reason(
        &self,
        subject: &str,
        schema: &str,
        verdict: &Compatibility,
    ) -> String {
        if verdict.messages.is_empty() {
            let causes =
                apicurio::incompatibility_causes(&self.http, &self.base_url, subject, schema).await;
            if !causes.is_empty() {
                return causes.join("; ");
            }
        }
        verdict.reason()
    }

    /// Registers `schema` under `subject` (a no-op returning the existing id
    /// when the subject already holds it) and returns its id.
    pub async fn register(
        &self,
        subject: &str,
        record_name: &str,
        schema: String,
    ) -> Result<u32, RegistryError> {
        let supplied = SuppliedSchema::new(Some(record_name.to_owned()), SchemaType::Json, schema);
        post_schema(&self.converter, subject.to_owned(), supplied)
            .await
            .map(|registered| registered.id)
            .map_err(|error| {
                self.failed(&Operation::Register(subject.to_owned()), error.to_string())
            })
    }

    async fn json<T: serde::de::DeserializeOwned>(
        &self,
        response: reqwest::Response,
        operation: &Operation,
    ) -> Result<T, RegistryError> {
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|error| self.failed(operation, error.to_string()))?;
        if !status.is_success() {
            let detail = serde_json::from_slice::<ErrorBody>(&body)
                .map(|error| error.message)
                .unwrap_or_else(|_| String::from_utf8_lossy(&body).into_owned());
            return Err(self.failed(operation, format!("HTTP {status}: {detail}")));
        }
        serde_json::from_slice(&body).map_err(|error| {
            self.failed(
                operation,
                format!(
                    "unexpected answer ({error}): {}",
                    String::from_utf8_lossy(&body)
                ),
            )
        })
    }

    fn failed(&self, operation: &Operation, message: String) -> RegistryError {
        RegistryError::Request {
            url: self.base_url.clone(),
            operation: operation.clone(),
            message,
        }
    }
}
