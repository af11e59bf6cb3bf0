//! The local schema registry for the tests: its URL (exported by
//! `scripts/test.sh` from `scripts/infra.sh env`) and the few REST calls the
//! tests make to inspect it, independent of the command API's own client.

use serde_json::{Value, json};

use crate::TestEnv;

/// The registry's URL. Panics (fails the test, never skips it) when the
/// environment does not name one.
pub fn registry_url() -> String {
    match std::env::var("SCHEMA_REGISTRY_URL") {
        Ok(url) if !url.trim().is_empty() => url.trim().trim_end_matches('/').to_owned(),
        _ => panic!(
            "SCHEMA_REGISTRY_URL is not set: run the schema registry tests with scripts/test.sh \
             (it starts the local registry and exports the URL from `scripts/infra.sh env`), e.g. \
             `scripts/test.sh --test schema_registry`"
        ),
    }
}

/// The Apicurio Registry version the local registry runs (`infra/apicurio/pom.xml`).
pub fn pinned_apicurio_version() -> String {
    let pom = repo_file("infra/apicurio/pom.xml");
    let (_, rest) = pom
        .split_once("<apicurio.version>")
        .expect("the pom pins apicurio.version");
    rest.split_once('<')
        .expect("a closing tag")
        .0
        .trim()
        .to_owned()
}

/// A file of the repository, as text.
pub fn repo_file(path: &str) -> String {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|error| panic!("{}: {error}", full.display()))
}

/// A command API configuration for `env` that registers its schemas at the local registry.
pub fn command_api_config(env: &TestEnv) -> command_api::Config {
    command_api::Config {
        schema_registry_url: Some(registry_url()),
        ..crate::command_api::config(env)
    }
}

/// A schema as the registry serves it by id.
#[derive(Debug)]
pub struct StoredSchema {
    pub schema_type: String,
    /// The schema document, parsed (registries may normalize the text).
    pub schema: Value,
}

#[derive(Clone)]
pub struct RegistryApi {
    pub url: String,
    http: reqwest::Client,
}

impl RegistryApi {
    pub fn local() -> Self {
        Self {
            url: registry_url(),
            http: reqwest::Client::new(),
        }
    }

    /// Apicurio's `GET /apis/registry/v3/system/info` (beside its ccompat API):
    /// the product name and version that answer at the registry URL.
    pub async fn system_info(&self) -> (String, String) {
        let base = self
            .url
            .rsplit_once("/apis/ccompat/")
            .map(|(base, _)| base)
            .unwrap_or_else(|| panic!("{} is not an Apicurio ccompat URL", self.url));
        let response = self
            .http
            .get(format!("{base}/apis/registry/v3/system/info"))
            .send()
            .await
            .expect("registry answers");
        assert!(response.status().is_success(), "system info: {response:?}");
        let body: Value = response.json().await.expect("registry JSON");
        let field = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
        (field("name"), field("version"))
    }

    pub async fn subjects(&self) -> Vec<String> {
        serde_json::from_value(self.get("/subjects").await).expect("a list of subjects")
    }

    /// `GET /schemas/ids/{id}`; `None` when the registry does not know the id.
    pub async fn schema_by_id(&self, id: u32) -> Option<StoredSchema> {
        let response = self
            .http
            .get(format!("{}/schemas/ids/{id}", self.url))
            .send()
            .await
            .expect("registry answers");
        if !response.status().is_success() {
            return None;
        }
        let body: Value = response.json().await.expect("registry JSON");
        let text = body["schema"].as_str().expect("schema text");
        Some(StoredSchema {
            // Confluent leaves schemaType out for Avro only.
            schema_type: body["schemaType"].as_str().unwrap_or("AVRO").to_owned(),
            schema: serde_json::from_str(text).expect("schema is JSON"),
        })
    }

    /// The id of the subject's latest version.
    pub async fn latest_id(&self, subject: &str) -> u32 {
        let body = self
            .get(&format!("/subjects/{subject}/versions/latest"))
            .await;
        body["id"].as_u64().expect("id") as u32
    }

    pub async fn versions(&self, subject: &str) -> Vec<u32> {
        let response = self
            .http
            .get(format!("{}/subjects/{subject}/versions", self.url))
            .send()
            .await
            .expect("registry answers");
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Vec::new();
        }
        response.json().await.expect("a list of versions")
    }

    /// The subject's compatibility level (`compatibilityLevel` in Confluent's answer).
    pub async fn compatibility(&self, subject: &str) -> String {
        let body = self.get(&format!("/config/{subject}")).await;
        body["compatibilityLevel"]
            .as_str()
            .or(body["compatibility"].as_str())
            .expect("a compatibility level")
            .to_owned()
    }

    /// Registers a JSON Schema under `subject` and returns its id.
    pub async fn register(&self, subject: &str, schema: &Value) -> u32 {
        let response = self
            .http
            .post(format!("{}/subjects/{subject}/versions", self.url))
            .header("content-type", "application/vnd.schemaregistry.v1+json")
            .body(json!({ "schemaType": "JSON", "schema": schema.to_string() }).to_string())
            .send()
            .await
            .expect("registry answers");
        let status = response.status();
        let body: Value = response.json().await.expect("registry JSON");
        assert!(status.is_success(), "registering under {subject}: {body}");
        body["id"].as_u64().expect("id") as u32
    }

    async fn get(&self, path: &str) -> Value {
        let response = self
            .http
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("registry answers");
        assert!(response.status().is_success(), "GET {path}: {response:?}");
        response.json().await.expect("registry JSON")
    }
}
