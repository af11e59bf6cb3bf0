//! How a process manager proves who it is and which tenant it acts in, per
//! command: it only ever asks for the tenant of the event that triggered
//! the command, and the command API lets a tenant's token touch only that
//! tenant's streams.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use platform::auth::{AuthMode, AuthSettings, MintError, SCOPE_COMMANDS_WRITE, TokenMinter};
use platform::http::{ACTOR_HEADER, TENANT_HEADER};

use super::ProcessManagerSettings;

pub enum Credentials {
    /// `AUTH_MODE=none`: the headers say who calls.
    Headers,
    /// Tokens signed with the deployment's `AUTH_HS256_SECRET`.
    Signed { minter: TokenMinter, ttl: Duration },
    /// Tokens printed by `PROCESS_MANAGER_TOKEN_COMMAND <tenant>`, reused
    /// for up to the token TTL.
    Fetched {
        program: String,
        args: Vec<String>,
        ttl: Duration,
        cache: Mutex<HashMap<String, (String, Instant)>>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    #[error(
        "a process manager needs credentials: with tokens from an identity provider (AUTH_JWKS_*), set PROCESS_MANAGER_TOKEN_COMMAND"
    )]
    Missing,
    #[error(transparent)]
    Mint(#[from] MintError),
    #[error("PROCESS_MANAGER_TOKEN_COMMAND failed for tenant {tenant}: {reason}")]
    Command { tenant: String, reason: String },
}

impl Credentials {
    pub fn new(
        auth: &AuthSettings,
        settings: &ProcessManagerSettings,
    ) -> Result<Self, CredentialsError> {
        if let Some(command) = &settings.token_command {
            let mut words = command.split_whitespace().map(str::to_owned);
            let program = words.next().ok_or(CredentialsError::Missing)?;
            return Ok(Self::Fetched {
                program,
                args: words.collect(),
                ttl: settings.token_ttl,
                cache: Mutex::new(HashMap::new()),
            });
        }
        if auth.mode == AuthMode::None {
            return Ok(Self::Headers);
        }
        let minter = TokenMinter::for_settings(auth).ok_or(CredentialsError::Missing)?;
        Ok(Self::Signed {
            minter,
            ttl: settings.token_ttl,
        })
    }

    /// `request` as `subject` acting in `tenant`.
    pub async fn authorize(
        &self,
        request: reqwest::RequestBuilder,
        subject: &str,
        tenant: &str,
    ) -> Result<reqwest::RequestBuilder, CredentialsError> {
        match self {
            Self::Headers => Ok(request
                .header(TENANT_HEADER, tenant)
                .header(ACTOR_HEADER, subject)),
            Self::Signed { minter, ttl } => {
                let token = minter.mint(subject, tenant, &[SCOPE_COMMANDS_WRITE], *ttl)?;
                Ok(request.bearer_auth(token))
            }
            Self::Fetched {
                program,
                args,
                ttl,
                cache,
            } => {
                let cached = cache
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .get(tenant)
                    .filter(|(_, at)| at.elapsed() < *ttl / 2)
                    .map(|(token, _)| token.clone());
                let token = match cached {
                    Some(token) => token,
                    None => {
                        let token = fetch(program, args, tenant).await?;
                        cache
                            .lock()
                            .unwrap_or_else(|poisoned| poisoned.into_inner())
                            .insert(tenant.to_owned(), (token.clone(), Instant::now()));
                        token
                    }
                };
                Ok(request.bearer_auth(token))
            }
        }
    }
}

async fn fetch(program: &str, args: &[String], tenant: &str) -> Result<String, CredentialsError> {
    let failed = |reason: String| CredentialsError::Command {
        tenant: tenant.to_owned(),
        reason,
    };
    let run = tokio::process::Command::new(program)
        .args(args)
        .arg(tenant)
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .map_err(|_| failed("it did not finish within 10 s".into()))?
        .map_err(|error| failed(error.to_string()))?;
    if !output.status.success() {
        return Err(failed(format!(
            "{}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    let token = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if token.is_empty() || token.contains(char::is_whitespace) {
        return Err(failed("it must print one token".into()));
    }
    Ok(token)
}
