//! Signing tokens for the platform's own services (a process manager acting
//! for a tenant), with the secret the services verify with. Only for
//! `AUTH_HS256_SECRET` deployments: with an identity provider (JWKS), the
//! provider issues the tokens and the service fetches them instead.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

use super::AuthSettings;

#[derive(Clone)]
pub struct TokenMinter {
    key: jsonwebtoken::EncodingKey,
    issuer: Option<String>,
    audience: Option<String>,
    tenant_claim: String,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot sign a token: {0}")]
pub struct MintError(#[from] jsonwebtoken::errors::Error);

impl TokenMinter {
    /// A minter for the services verifying with `settings`; `None` when they
    /// do not verify with a shared secret.
    pub fn for_settings(settings: &AuthSettings) -> Option<Self> {
        let secret = settings.hs256_secret.as_ref()?;
        Some(Self {
            key: jsonwebtoken::EncodingKey::from_secret(secret),
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            tenant_claim: settings.tenant_claim.clone(),
        })
    }

    /// A token for `subject` acting in `tenant` with `scopes`, valid for `ttl`.
    pub fn mint(
        &self,
        subject: &str,
        tenant: &str,
        scopes: &[&str],
        ttl: Duration,
    ) -> Result<String, MintError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let mut claims = json!({
            "sub": subject,
            "scope": scopes.join(" "),
            "iat": now,
            "exp": now + ttl.as_secs(),
        });
        claims[&self.tenant_claim] = json!(tenant);
        if let Some(issuer) = &self.issuer {
            claims["iss"] = json!(issuer);
        }
        if let Some(audience) = &self.audience {
            claims["aud"] = json!(audience);
        }
        Ok(jsonwebtoken::encode(
            &jsonwebtoken::Header::default(),
            &claims,
            &self.key,
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_minted_token_is_verified_as_the_subject_in_the_tenant() {
        let settings = AuthSettings::hs256("a-secret-of-at-least-thirty-two-bytes!!");
        let minter = TokenMinter::for_settings(&settings).unwrap();
        let token = minter
            .mint(
                "process-manager:x",
                "acme",
                &["commands:write"],
                Duration::from_secs(60),
            )
            .unwrap();
        let verifier = super::super::Verifier::start(settings).await.unwrap();
        let principal = verifier.verify(&token).await.unwrap();
        assert_eq!(
            (principal.subject.as_str(), principal.tenant.as_str()),
            ("process-manager:x", "acme")
        );
        assert!(principal.has_scope("commands:write"));
        assert!(TokenMinter::for_settings(&AuthSettings::disabled()).is_none());
    }
}
