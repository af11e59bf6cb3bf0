//! How the process managers reach the command API.

use std::time::Duration;

use platform::config::{ConfigError, env_or, env_parse};

#[derive(Debug, Clone)]
pub struct ProcessManagerSettings {
    /// `PROCESS_MANAGER_COMMAND_API_URL`, default `http://127.0.0.1:8081`:
    /// where decided commands are sent.
    pub command_api_url: String,
    /// `PROCESS_MANAGER_TOKEN_COMMAND`, default empty: a program (with
    /// arguments, split on spaces) that prints a bearer token for the tenant
    /// given as its last argument. Use it when tokens come from an identity
    /// provider (JWKS). Empty: tokens are signed with `AUTH_HS256_SECRET`,
    /// or, with `AUTH_MODE=none`, the tenant is sent as `X-Tenant-Id`.
    pub token_command: Option<String>,
    /// `PROCESS_MANAGER_TOKEN_TTL_SECONDS`, default 300: how long a signed
    /// token is valid, and how long a fetched one is reused (at most).
    pub token_ttl: Duration,
}

impl ProcessManagerSettings {
    pub fn from_env() -> Result<Self, ConfigError> {
        let command_api_url = env_or("PROCESS_MANAGER_COMMAND_API_URL", "http://127.0.0.1:8081");
        if !(command_api_url.starts_with("http://") || command_api_url.starts_with("https://")) {
            return Err(ConfigError {
                variable: "PROCESS_MANAGER_COMMAND_API_URL".into(),
                value: command_api_url,
                reason: "must be an http(s) URL".into(),
            });
        }
        let token_ttl = Duration::from_secs(env_parse("PROCESS_MANAGER_TOKEN_TTL_SECONDS", "300")?);
        if token_ttl < Duration::from_secs(30) {
            return Err(ConfigError {
                variable: "PROCESS_MANAGER_TOKEN_TTL_SECONDS".into(),
                value: token_ttl.as_secs().to_string(),
                reason: "must be at least 30".into(),
            });
        }
        Ok(Self {
            command_api_url: command_api_url.trim_end_matches('/').to_owned(),
            token_command: Some(env_or("PROCESS_MANAGER_TOKEN_COMMAND", ""))
                .filter(|command| !command.trim().is_empty()),
            token_ttl,
        })
    }

    /// The command API at `url`, every other setting at its default.
    pub fn for_command_api(url: &str) -> Self {
        Self {
            command_api_url: url.trim_end_matches('/').to_owned(),
            token_command: None,
            token_ttl: Duration::from_secs(300),
        }
    }
}
