//! Authentication and authorization: bearer JWTs verified against a shared
//! HS256 secret or a JWKS document, the scope each service needs, and the
//! tenant a caller belongs to. No HTTP types here: `http::auth` applies it.

mod keys;
mod minter;
mod principal;
mod settings;
pub mod tenant;
mod verifier;

pub use keys::{JwksError, JwksKeys};
pub use minter::{MintError, TokenMinter};
pub use principal::Principal;
pub use settings::{AuthMode, AuthSettings, JwksSource, MIN_SECRET_BYTES};
pub use verifier::{AuthError, AuthStartError, Verifier};

/// The scope the command API requires.
pub const SCOPE_COMMANDS_WRITE: &str = "commands:write";
/// The scope the query API requires.
pub const SCOPE_QUERIES_READ: &str = "queries:read";
/// The scope the projector's state-changing and detail endpoints require.
pub const SCOPE_OPS_ADMIN: &str = "ops:admin";

/// How a service establishes who calls it.
#[derive(Clone)]
pub enum Authenticator {
    /// `AUTH_MODE=none`: the caller is whoever the headers say.
    Disabled,
    Jwt(Verifier),
}

impl Authenticator {
    /// Loads the keys; with `AUTH_MODE=none`, warns that nobody is checked.
    pub async fn start(settings: AuthSettings, service: &str) -> Result<Self, AuthStartError> {
        match settings.mode {
            AuthMode::None => {
                tracing::warn!(
                    service,
                    "AUTH_MODE=none: callers are not authenticated and X-Tenant-Id is trusted; \
                     use this for local experiments only"
                );
                Ok(Self::Disabled)
            }
            AuthMode::Jwt => Ok(Self::Jwt(Verifier::start(settings).await?)),
        }
    }
}
