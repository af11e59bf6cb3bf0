//! What every HTTP service enforces on its callers: how long a request may
//! take to arrive, which browser origins may call it, and how many requests
//! a tenant may send.

use std::time::Duration;

use super::{ConfigError, env_or, env_parse};

/// Which limits a service's routes count against. Each class has its own
/// rate-limit variables; the projector's operational endpoints are not limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteClass {
    Commands,
    Queries,
    Operations,
}

impl RouteClass {
    pub fn name(self) -> &'static str {
        match self {
            RouteClass::Commands => "commands",
            RouteClass::Queries => "queries",
            RouteClass::Operations => "operations",
        }
    }
}

/// A token bucket per tenant: `per_second` tokens are added every second, up
/// to `burst`. A `per_second` of 0 turns the limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSettings {
    pub per_second: u32,
    pub burst: u32,
}

impl RateLimitSettings {
    pub const OFF: Self = Self {
        per_second: 0,
        burst: 0,
    };

    pub fn is_off(self) -> bool {
        self.per_second == 0
    }

    fn from_env(class: RouteClass) -> Result<Self, ConfigError> {
        let (rate_variable, burst_variable, rate, burst) = match class {
            RouteClass::Commands => (
                "RATE_LIMIT_COMMANDS_PER_SECOND",
                "RATE_LIMIT_COMMANDS_BURST",
                "1000",
                "2000",
            ),
            RouteClass::Queries => (
                "RATE_LIMIT_QUERIES_PER_SECOND",
                "RATE_LIMIT_QUERIES_BURST",
                "5000",
                "10000",
            ),
            RouteClass::Operations => return Ok(Self::OFF),
        };
        let settings = Self {
            per_second: env_parse(rate_variable, rate)?,
            burst: env_parse(burst_variable, burst)?,
        };
        if !settings.is_off() && settings.burst == 0 {
            return Err(ConfigError {
                variable: burst_variable.into(),
                value: "0".into(),
                reason: format!("must be at least 1 while {rate_variable} is not 0"),
            });
        }
        Ok(settings)
    }
}

/// The HTTP rules of one service, from the environment.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// `HTTP_BODY_TIMEOUT_MS`, default 10000: the longest a request body may
    /// take to arrive, from the end of its head; slower bodies get 408.
    pub body_timeout: Duration,
    /// `HTTP_HEAD_TIMEOUT_MS`, default 5000: the longest the head of a
    /// connection's first request may take to arrive; slower ones get 408.
    pub head_timeout: Duration,
    /// `CORS_ALLOWED_ORIGINS`, default empty: comma-separated origins
    /// (`https://app.example.com`) browsers may call the service from. Empty:
    /// no CORS headers at all, so browsers refuse cross-origin calls.
    pub cors_allowed_origins: Vec<String>,
    /// The token bucket per tenant of the service's route class:
    /// `RATE_LIMIT_COMMANDS_PER_SECOND` / `RATE_LIMIT_COMMANDS_BURST`
    /// (defaults 1000 / 2000) for the command API,
    /// `RATE_LIMIT_QUERIES_PER_SECOND` / `RATE_LIMIT_QUERIES_BURST` (defaults
    /// 5000 / 10000) for the query API; always off for the projector.
    pub rate_limit: RateLimitSettings,
}

impl HttpSettings {
    pub fn from_env(class: RouteClass) -> Result<Self, ConfigError> {
        Ok(Self {
            body_timeout: positive_millis("HTTP_BODY_TIMEOUT_MS", "10000")?,
            head_timeout: positive_millis("HTTP_HEAD_TIMEOUT_MS", "5000")?,
            cors_allowed_origins: cors_origins(&env_or("CORS_ALLOWED_ORIGINS", ""))?,
            rate_limit: RateLimitSettings::from_env(class)?,
        })
    }

    /// The documented defaults with rate limiting off: for tests and
    /// benchmarks, which send far more than a tenant would.
    pub fn without_rate_limits() -> Self {
        Self {
            body_timeout: Duration::from_secs(10),
            head_timeout: Duration::from_secs(5),
            cors_allowed_origins: Vec::new(),
            rate_limit: RateLimitSettings::OFF,
        }
    }
}

fn positive_millis(variable: &str, default: &str) -> Result<Duration, ConfigError> {
    let millis: u64 = env_parse(variable, default)?;
    if millis == 0 {
        return Err(ConfigError {
            variable: variable.into(),
            value: "0".into(),
            reason: "must be at least 1".into(),
        });
    }
    Ok(Duration::from_millis(millis))
}

/// Origins exactly as browsers send them in `Origin`: `scheme://host[:port]`,
/// lowercase, without a path or a trailing slash.
fn cors_origins(list: &str) -> Result<Vec<String>, ConfigError> {
    let invalid = |origin: &str, reason: &str| ConfigError {
        variable: "CORS_ALLOWED_ORIGINS".into(),
        value: list.into(),
        reason: format!("{origin:?} {reason}"),
    };
    let mut origins = Vec::new();
    for origin in list.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        if origin == "*" {
            return Err(invalid(origin, "is not allowed: name each origin"));
        }
        let uri: actix_web::http::Uri = origin
            .parse()
            .map_err(|_| invalid(origin, "is not an origin"))?;
        let well_formed = matches!(uri.scheme_str(), Some("http" | "https"))
            && uri
                .authority()
                .is_some_and(|authority| !authority.as_str().contains('@'))
            && format!(
                "{}://{}",
                uri.scheme_str().unwrap_or(""),
                uri.authority().map(|a| a.as_str()).unwrap_or("")
            ) == origin;
        if !well_formed {
            return Err(invalid(
                origin,
                "must be http(s)://host[:port] with no path or trailing slash",
            ));
        }
        if origin != origin.to_ascii_lowercase() {
            return Err(invalid(origin, "must be lowercase, as browsers send it"));
        }
        origins.push(origin.to_owned());
    }
    Ok(origins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked() {
        assert_eq!(cors_origins("").unwrap(), Vec::<String>::new());
        assert_eq!(
            cors_origins(" https://app.example.com , http://localhost:3000").unwrap(),
            vec!["https://app.example.com", "http://localhost:3000"]
        );
        for bad in [
            "*",
            "app.example.com",
            "https://app.example.com/",
            "https://app.example.com/path",
            "ftp://app.example.com",
            "https://App.example.com",
            "https://user@app.example.com",
        ] {
            assert!(cors_origins(bad).is_err(), "{bad}");
        }
    }
}
