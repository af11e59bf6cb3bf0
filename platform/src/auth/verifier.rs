//! Verifying a bearer token: signature with the key its header selects,
//! `exp`/`nbf` with leeway, optional issuer and audience, then the claims
//! that make a [`Principal`].

use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

use super::Principal;
use super::keys::{BoundKey, JwksError, JwksKeys};
use super::settings::{AuthSettings, JwksSource};
use super::tenant::{is_valid_actor, is_valid_tenant};

/// Why a request was refused before it reached its handler.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No token, or one that is malformed, expired, not yet valid, badly
    /// signed, for another issuer or audience, or with a refused algorithm.
    #[error("{0}")]
    Unauthenticated(String),
    /// A valid token that does not allow this request.
    #[error("{0}")]
    Forbidden(String),
    /// A valid token that lacks the scope the route class needs.
    #[error("this request needs the {0:?} scope")]
    MissingScope(&'static str),
}

#[derive(Debug, thiserror::Error)]
pub enum AuthStartError {
    #[error("cannot read AUTH_JWKS_FILE {path}: {source}")]
    ReadJwks {
        path: String,
        source: std::io::Error,
    },
    #[error("AUTH_JWKS_FILE {path}: {source}")]
    ParseJwks { path: String, source: JwksError },
}

/// A token's key is fetched again at most this often when it names an unknown `kid`.
const UNKNOWN_KID_REFRESH_INTERVAL: Duration = Duration::from_secs(10);

/// Verifies bearer tokens. Cheap to clone; clones share the key set.
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

struct Inner {
    settings: AuthSettings,
    secret: Option<DecodingKey>,
    jwks: RwLock<JwksKeys>,
    jwks_url: Option<String>,
    http: reqwest::Client,
    last_fetch: Mutex<Option<Instant>>,
}

impl Verifier {
    /// Loads the keys. A JWKS file must be readable now; a JWKS URL that does
    /// not answer yet is retried in the background (tokens are refused until then).
    pub async fn start(settings: AuthSettings) -> Result<Self, AuthStartError> {
        let jwks = match &settings.jwks {
            Some(JwksSource::File(path)) => {
                let shown = path.display().to_string();
                let document = std::fs::read(path).map_err(|source| AuthStartError::ReadJwks {
                    path: shown.clone(),
                    source,
                })?;
                JwksKeys::parse(&document).map_err(|source| AuthStartError::ParseJwks {
                    path: shown,
                    source,
                })?
            }
            _ => JwksKeys::default(),
        };
        let jwks_url = match &settings.jwks {
            Some(JwksSource::Url(url)) => Some(url.clone()),
            _ => None,
        };
        let verifier = Self {
            inner: Arc::new(Inner {
                secret: settings
                    .hs256_secret
                    .as_deref()
                    .map(DecodingKey::from_secret),
                jwks: RwLock::new(jwks),
                jwks_url,
                http: reqwest::Client::builder()
                    .timeout(Duration::from_secs(5))
                    .build()
                    .expect("building the JWKS client"),
                last_fetch: Mutex::new(None),
                settings,
            }),
        };
        if verifier.inner.jwks_url.is_some() {
            verifier.refresh_jwks().await;
            verifier.spawn_refresher();
        }
        Ok(verifier)
    }

    /// The caller a token proves, or why it proves nothing.
    pub async fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        let unauthenticated = |reason: &str| AuthError::Unauthenticated(reason.to_owned());
        // An `alg` this crate does not know (`none` among them) fails here.
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| unauthenticated("the bearer token is not a well-formed JWT"))?;
        let key = self.key_for(header.alg, header.kid.as_deref()).await?;

        let settings = &self.inner.settings;
        let mut validation = Validation::new(key.algorithm);
        validation.leeway = settings.leeway_seconds;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "sub"]);
        match &settings.audience {
            Some(audience) => validation.set_audience(&[audience]),
            None => validation.validate_aud = false,
        }
        if let Some(issuer) = &settings.issuer {
            validation.set_issuer(&[issuer]);
        }
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &validation)
            .map_err(|error| AuthError::Unauthenticated(refusal(error.kind())))?
            .claims;
        principal(&claims, &settings.tenant_claim)
    }

    async fn key_for(
        &self,
        algorithm: Algorithm,
        kid: Option<&str>,
    ) -> Result<BoundKey, AuthError> {
        let refused = |reason: String| AuthError::Unauthenticated(reason);
        match algorithm {
            Algorithm::HS256 => match &self.inner.secret {
                Some(secret) => Ok(BoundKey {
                    algorithm,
                    key: secret.clone(),
                }),
                None => Err(refused("HS256 tokens are not accepted here".into())),
            },
            Algorithm::RS256 | Algorithm::ES256 => {
                let kid = kid.ok_or_else(|| {
                    refused(format!("{algorithm:?} tokens must name their key (kid)"))
                })?;
                let key = match self.jwks_key(kid) {
                    Some(key) => Some(key),
                    None if self.may_refetch() => {
                        self.refresh_jwks().await;
                        self.jwks_key(kid)
                    }
                    None => None,
                }
                .ok_or_else(|| refused(format!("no known key has kid {kid:?}")))?;
                if key.algorithm != algorithm {
                    return Err(refused(format!("key {kid:?} does not allow {algorithm:?}")));
                }
                Ok(key)
            }
            other => Err(refused(format!("the {other:?} algorithm is not accepted"))),
        }
    }

    fn jwks_key(&self, kid: &str) -> Option<BoundKey> {
        self.inner.jwks.read().expect("jwks lock").get(kid).cloned()
    }

    /// Whether a token with an unknown `kid` may trigger a fetch now: keys
    /// rotate, but a flood of made-up kids must not become a flood of fetches.
    fn may_refetch(&self) -> bool {
        if self.inner.jwks_url.is_none() {
            return false;
        }
        let last = *self.inner.last_fetch.lock().expect("fetch lock");
        last.is_none_or(|at| at.elapsed() >= UNKNOWN_KID_REFRESH_INTERVAL)
    }

    async fn refresh_jwks(&self) {
        let Some(url) = &self.inner.jwks_url else {
            return;
        };
        *self.inner.last_fetch.lock().expect("fetch lock") = Some(Instant::now());
        let fetched = async {
            let response = self.inner.http.get(url).send().await?.error_for_status()?;
            response.bytes().await
        }
        .await;
        match fetched.map(|document| JwksKeys::parse(&document)) {
            Ok(Ok(keys)) => {
                tracing::debug!(url, keys = keys.len(), "JWKS refreshed");
                *self.inner.jwks.write().expect("jwks lock") = keys;
            }
            // Keep the keys we have: an identity provider's hiccup must not log everyone out.
            Ok(Err(error)) => tracing::warn!(url, %error, "JWKS refresh refused"),
            Err(error) => tracing::warn!(url, %error, "JWKS refresh failed"),
        }
    }

    fn spawn_refresher(&self) {
        let verifier = Arc::downgrade(&self.inner);
        let every = self.inner.settings.jwks_refresh.max(Duration::from_secs(1));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let Some(inner) = verifier.upgrade() else {
                    return;
                };
                Verifier { inner }.refresh_jwks().await;
            }
        });
    }
}

fn refusal(kind: &ErrorKind) -> String {
    match kind {
        ErrorKind::ExpiredSignature => "the token has expired".into(),
        ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)".into(),
        ErrorKind::InvalidSignature => "the token's signature does not verify".into(),
        ErrorKind::InvalidAudience => "the token is for another audience".into(),
        ErrorKind::InvalidIssuer => "the token is from another issuer".into(),
        ErrorKind::InvalidAlgorithm => "the token's algorithm is not allowed for its key".into(),
        ErrorKind::MissingRequiredClaim(claim) => format!("the token has no {claim:?} claim"),
        _ => "the bearer token is not valid".into(),
    }
}

/// The caller the verified claims describe: `sub` is the actor, the tenant
/// claim the tenant, `scope` (or an `scp` list) the scopes.
fn principal(claims: &Map<String, Value>, tenant_claim: &str) -> Result<Principal, AuthError> {
    let subject = claims
        .get("sub")
        .and_then(Value::as_str)
        .filter(|sub| is_valid_actor(sub))
        .ok_or_else(|| {
            AuthError::Unauthenticated(
                "the token's sub must be 1-200 characters of printable text".into(),
            )
        })?;
    let tenant = claims
        .get(tenant_claim)
        .and_then(Value::as_str)
        .filter(|tenant| is_valid_tenant(tenant))
        .ok_or_else(|| {
            AuthError::Forbidden(format!(
                "the token's {tenant_claim:?} claim must name a tenant ({})",
                super::tenant::TENANT_RULE
            ))
        })?;
    let scopes = match (claims.get("scope"), claims.get("scp")) {
        (Some(Value::String(scope)), _) => scope.split_whitespace().map(str::to_owned).collect(),
        (_, Some(Value::Array(list))) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    Ok(Principal {
        subject: subject.to_owned(),
        tenant: tenant.to_owned(),
        scopes,
    })
}
