//! How the services authenticate callers, read from the environment.

use std::path::PathBuf;
use std::time::Duration;

use crate::config::{ConfigError, env_or, env_parse};

/// `AUTH_MODE`: `jwt` (the default) verifies bearer tokens; `none` trusts the
/// `X-Tenant-Id` and `X-Actor` headers, for local experiments only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    Jwt,
    None,
}

/// Where the public keys for RS256 and ES256 tokens come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksSource {
    /// `AUTH_JWKS_FILE`: read once at start.
    File(PathBuf),
    /// `AUTH_JWKS_URL`: fetched at start, then refreshed in the background
    /// every `AUTH_JWKS_REFRESH_SECONDS` and whenever a token names an unknown `kid`.
    Url(String),
}

#[derive(Clone, PartialEq, Eq)]
pub struct AuthSettings {
    pub mode: AuthMode,
    /// `AUTH_HS256_SECRET`, or the contents of `AUTH_HS256_SECRET_FILE`: at least 32 bytes.
    pub hs256_secret: Option<Vec<u8>>,
    pub jwks: Option<JwksSource>,
    /// `AUTH_JWKS_REFRESH_SECONDS`, default 300.
    pub jwks_refresh: Duration,
    /// `AUTH_ISSUER`: when set, `iss` must equal it.
    pub issuer: Option<String>,
    /// `AUTH_AUDIENCE`: when set, `aud` must contain it.
    pub audience: Option<String>,
    /// `AUTH_LEEWAY_SECONDS`, default 30: clock skew allowed on `exp` and `nbf`.
    pub leeway_seconds: u64,
    /// `AUTH_TENANT_CLAIM`, default `tenant_id`: the claim naming the caller's tenant.
    pub tenant_claim: String,
}

/// Shorter HS256 secrets are guessable offline from any token.
pub const MIN_SECRET_BYTES: usize = 32;

impl std::fmt::Debug for AuthSettings {
    // The secret never reaches a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings")
            .field("mode", &self.mode)
            .field(
                "hs256_secret",
                &self.hs256_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("jwks", &self.jwks)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("leeway_seconds", &self.leeway_seconds)
            .field("tenant_claim", &self.tenant_claim)
            .finish()
    }
}

impl AuthSettings {
    /// No authentication: the headers say who calls (tests and experiments).
    pub fn disabled() -> Self {
        Self {
            mode: AuthMode::None,
            hs256_secret: None,
            jwks: None,
            jwks_refresh: Duration::from_secs(300),
            issuer: None,
            audience: None,
            leeway_seconds: 30,
            tenant_claim: "tenant_id".into(),
        }
    }

    /// HS256 tokens signed with `secret`, every other setting at its default.
    pub fn hs256(secret: impl Into<Vec<u8>>) -> Self {
        Self {
            mode: AuthMode::Jwt,
            hs256_secret: Some(secret.into()),
            ..Self::disabled()
        }
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        let invalid = |variable: &str, value: &str, reason: &str| ConfigError {
            variable: variable.into(),
            value: value.into(),
            reason: reason.into(),
        };
        let mode = match env_or("AUTH_MODE", "jwt").as_str() {
            "jwt" => AuthMode::Jwt,
            "none" => AuthMode::None,
            other => return Err(invalid("AUTH_MODE", other, "must be jwt or none")),
        };
        let hs256_secret = hs256_secret()?;
        if let Some(secret) = &hs256_secret
            && secret.len() < MIN_SECRET_BYTES
        {
            return Err(invalid(
                "AUTH_HS256_SECRET",
                "<redacted>",
                &format!("must be at least {MIN_SECRET_BYTES} bytes"),
            ));
        }
        let jwks = match (env_or("AUTH_JWKS_FILE", ""), env_or("AUTH_JWKS_URL", "")) {
            (file, url) if !file.is_empty() && !url.is_empty() => {
                return Err(invalid(
                    "AUTH_JWKS_URL",
                    &url,
                    "set AUTH_JWKS_FILE or AUTH_JWKS_URL, not both",
                ));
            }
            (file, _) if !file.is_empty() => Some(JwksSource::File(file.into())),
            (_, url) if !url.is_empty() => {
                if !url.starts_with("https://") && !url.starts_with("http://") {
                    return Err(invalid("AUTH_JWKS_URL", &url, "must be an http(s) URL"));
                }
                Some(JwksSource::Url(url))
            }
            _ => None,
        };
        if mode == AuthMode::Jwt && hs256_secret.is_none() && jwks.is_none() {
            return Err(invalid(
                "AUTH_MODE",
                "jwt",
                "needs AUTH_HS256_SECRET, AUTH_HS256_SECRET_FILE, AUTH_JWKS_FILE or AUTH_JWKS_URL \
                 (or AUTH_MODE=none for local experiments)",
            ));
        }
        let optional = |variable: &str| Some(env_or(variable, "")).filter(|v| !v.is_empty());
        Ok(Self {
            mode,
            hs256_secret,
            jwks,
            jwks_refresh: Duration::from_secs(env_parse("AUTH_JWKS_REFRESH_SECONDS", "300")?),
            issuer: optional("AUTH_ISSUER"),
            audience: optional("AUTH_AUDIENCE"),
            leeway_seconds: env_parse("AUTH_LEEWAY_SECONDS", "30")?,
            tenant_claim: env_or("AUTH_TENANT_CLAIM", "tenant_id"),
        })
    }
}

fn hs256_secret() -> Result<Option<Vec<u8>>, ConfigError> {
    let secret = env_or("AUTH_HS256_SECRET", "");
    let file = env_or("AUTH_HS256_SECRET_FILE", "");
    match (secret.is_empty(), file.is_empty()) {
        (true, true) => Ok(None),
        (false, true) => Ok(Some(secret.into_bytes())),
        (true, false) => {
            let contents = std::fs::read_to_string(&file).map_err(|error| ConfigError {
                variable: "AUTH_HS256_SECRET_FILE".into(),
                value: file.clone(),
                reason: format!("cannot read it: {error}"),
            })?;
            // Files written by editors and `echo` end with a newline.
            Ok(Some(
                contents.trim_end_matches(['\n', '\r']).as_bytes().to_vec(),
            ))
        }
        (false, false) => Err(ConfigError {
            variable: "AUTH_HS256_SECRET_FILE".into(),
            value: file,
            reason: "set AUTH_HS256_SECRET or AUTH_HS256_SECRET_FILE, not both".into(),
        }),
    }
}
