//! Why Apicurio Registry refused a schema. Its Confluent-compatible API
//! answers a failed compatibility check with a bare `{"is_compatible": false}`
//! (it ignores `verbose=true`), but its own API (v3) gives the rule
//! violation's causes when asked to create the version as a dry run, which
//! stores nothing. Asked only after a refusal and only of a ccompat URL
//! (`<base>/apis/ccompat/v<N>`); if it fails, the reason stays unknown and the
//! refusal stands.

use serde::Deserialize;
use serde_json::json;

/// Apicurio's group for subjects made through the ccompat API.
const CCOMPAT_GROUP: &str = "default";

/// Apicurio's problem details for a rule violation (only what we show).
#[derive(Debug, Deserialize)]
struct RuleViolation {
    #[serde(default)]
    causes: Vec<Cause>,
}

#[derive(Debug, Deserialize)]
struct Cause {
    description: String,
    #[serde(default)]
    context: String,
}

/// The URL of Apicurio's v3 API beside its ccompat API at `ccompat_url`, or
/// `None` when the URL is not an Apicurio ccompat one.
pub fn core_api_url(ccompat_url: &str) -> Option<String> {
    let (base, version) = ccompat_url
        .trim_end_matches('/')
        .rsplit_once("/apis/ccompat/")?;
    let numbered = version.strip_prefix('v')?;
    (!numbered.is_empty() && numbered.chars().all(|c| c.is_ascii_digit()))
        .then(|| format!("{base}/apis/registry/v3"))
}

/// The causes Apicurio gives for refusing `schema` as the next version of
/// `subject`, as `<what> at <where>`; empty when it gives none or cannot be asked.
pub async fn incompatibility_causes(
    http: &reqwest::Client,
    ccompat_url: &str,
    subject: &str,
    schema: &str,
) -> Vec<String> {
    let Some(core) = core_api_url(ccompat_url) else {
        return Vec::new();
    };
    let answer = http
        .post(format!(
            "{core}/groups/{CCOMPAT_GROUP}/artifacts/{subject}/versions?dryRun=true"
        ))
        .json(&json!({ "content": { "content": schema, "contentType": "application/json" } }))
        .send()
        .await;
    let Ok(response) = answer else {
        return Vec::new();
    };
    if response.status().is_success() {
        return Vec::new();
    }
    match response.json::<RuleViolation>().await {
        Ok(violation) => violation.causes.into_iter().map(Cause::describe).collect(),
        Err(_) => Vec::new(),
    }
}

impl Cause {
    fn describe(self) -> String {
        if self.context.is_empty() {
            self.description
        } else {
            format!("{} at {}", self.description, self.context)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_core_api_sits_beside_the_ccompat_api() {
        assert_eq!(
            core_api_url("http://registry:8080/apis/ccompat/v7").as_deref(),
            Some("http://registry:8080/apis/registry/v3")
        );
        assert_eq!(
            core_api_url("https://h/prefix/apis/ccompat/v8/").as_deref(),
            Some("https://h/prefix/apis/registry/v3")
        );
    }

    #[test]
    fn other_registries_have_no_core_api() {
        assert_eq!(core_api_url("http://127.0.0.1:8081"), None);
        assert_eq!(core_api_url("http://h/apis/ccompat/latest"), None);
        assert_eq!(core_api_url("http://h/apis/ccompat/v"), None);
    }
}
