//! The console server's configuration, read from the environment and validated at start.

use std::net::SocketAddr;
use std::path::PathBuf;

use platform::config::{ConfigError, env_or, env_parse};

#[derive(Debug, Clone)]
pub struct Config {
    /// `CONSOLE_ADDR`, default `127.0.0.1:8084`; port 0 picks a free port.
    pub addr: SocketAddr,
    /// `CONSOLE_DIST`, default `console/dist` (relative to the working
    /// directory: the repository's root for `scripts/up.sh`): the built SPA.
    pub dist: PathBuf,
    pub api: ApiUrls,
    /// `CONSOLE_WORKERS`, default 1: HTTP worker threads (files come from memory).
    pub workers: usize,
}

/// Where the browser finds the platform's APIs; given to the page by
/// `/config.json` and allowed by the CSP's `connect-src`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiUrls {
    /// `CONSOLE_COMMAND_API_URL`, default `http://127.0.0.1:8081`.
    pub command_api: String,
    /// `CONSOLE_QUERY_API_URL`, default `http://127.0.0.1:8082`.
    pub query_api: String,
    /// `CONSOLE_PROJECTOR_URL`, default `http://127.0.0.1:8083`.
    pub projector: String,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let workers: usize = env_parse("CONSOLE_WORKERS", "1")?;
        if workers == 0 {
            return Err(ConfigError {
                variable: "CONSOLE_WORKERS".into(),
                value: "0".into(),
                reason: "must be at least 1".into(),
            });
        }
        Ok(Self {
            addr: env_parse("CONSOLE_ADDR", "127.0.0.1:8084")?,
            dist: PathBuf::from(env_or("CONSOLE_DIST", "console/dist")),
            api: ApiUrls {
                command_api: api_url("CONSOLE_COMMAND_API_URL", "http://127.0.0.1:8081")?,
                query_api: api_url("CONSOLE_QUERY_API_URL", "http://127.0.0.1:8082")?,
                projector: api_url("CONSOLE_PROJECTOR_URL", "http://127.0.0.1:8083")?,
            },
            workers,
        })
    }
}

fn api_url(variable: &str, default: &str) -> Result<String, ConfigError> {
    let value = env_or(variable, default);
    parse_api_url(&value).map_err(|reason| ConfigError {
        variable: variable.to_owned(),
        value,
        reason: reason.to_owned(),
    })
}

/// An absolute http(s) URL without credentials, query or fragment; a base
/// path is allowed (an API behind a gateway), the trailing slash dropped.
pub fn parse_api_url(value: &str) -> Result<String, &'static str> {
    let uri: actix_web::http::Uri = value.parse().map_err(|_| "is not a URL")?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return Err("must start with http:// or https://");
    }
    let Some(authority) = uri.authority() else {
        return Err("must name a host");
    };
    if authority.as_str().contains('@') {
        return Err("must not hold credentials");
    }
    if uri.query().is_some() || value.contains('#') {
        return Err("must not have a query or a fragment");
    }
    // The value ends up in a header (the CSP) and in JSON: no room for quoting tricks.
    if value
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, ';' | ',' | '\'' | '"'))
    {
        return Err("must not contain spaces, quotes, commas or semicolons");
    }
    Ok(value.trim_end_matches('/').to_owned())
}

impl ApiUrls {
    /// The origin (`scheme://host:port`) of each API, for `connect-src`.
    pub fn origins(&self) -> Vec<String> {
        let mut origins: Vec<String> = Vec::new();
        for url in [&self.command_api, &self.query_api, &self.projector] {
            if let Some(origin) = origin_of(url).filter(|origin| !origins.contains(origin)) {
                origins.push(origin);
            }
        }
        origins
    }
}

fn origin_of(url: &str) -> Option<String> {
    let uri: actix_web::http::Uri = url.parse().ok()?;
    Some(format!("{}://{}", uri.scheme_str()?, uri.authority()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_urls_are_absolute_http_urls_without_a_trailing_slash() {
        assert_eq!(
            parse_api_url("http://127.0.0.1:8081/").unwrap(),
            "http://127.0.0.1:8081"
        );
        assert_eq!(
            parse_api_url("https://api.example.com/commands").unwrap(),
            "https://api.example.com/commands"
        );
        for bad in [
            "127.0.0.1:8081",
            "ftp://example.com",
            "http://user:pw@example.com",
            "http://example.com/?a=1",
            "http://example.com/#x",
            "http://example.com/a;b",
            "/relative",
        ] {
            assert!(parse_api_url(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn origins_drop_the_path() {
        let urls = ApiUrls {
            command_api: "https://api.example.com/commands".into(),
            query_api: "https://api.example.com/queries".into(),
            projector: "http://127.0.0.1:8083".into(),
        };
        assert_eq!(
            urls.origins(),
            ["https://api.example.com", "http://127.0.0.1:8083"]
        );
    }
}
