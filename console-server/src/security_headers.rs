//! The headers that make the console's page hard to misuse: a CSP that runs
//! only the console's own scripts and lets them talk only to the platform's
//! APIs, no framing, no referrer, no powerful browser features.

use actix_web::middleware::DefaultHeaders;

use crate::config::ApiUrls;

/// The Content-Security-Policy of every answer. No `'unsafe-inline'`
/// anywhere: the Vite build has no inline script or style.
pub fn content_security_policy(api: &ApiUrls) -> String {
    let mut connect = vec!["'self'".to_owned()];
    connect.extend(api.origins());
    [
        "default-src 'none'".to_owned(),
        "script-src 'self'".to_owned(),
        "style-src 'self'".to_owned(),
        "img-src 'self' data:".to_owned(),
        "font-src 'self'".to_owned(),
        format!("connect-src {}", connect.join(" ")),
        "manifest-src 'self'".to_owned(),
        "base-uri 'none'".to_owned(),
        "form-action 'none'".to_owned(),
        "frame-ancestors 'none'".to_owned(),
    ]
    .join("; ")
}

/// Middleware: the policy headers on every answer (a handler may not unset them).
pub fn security_headers(api: &ApiUrls) -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("Content-Security-Policy", content_security_policy(api)))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Cross-Origin-Resource-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csp_connects_to_the_three_apis_only() {
        let csp = content_security_policy(&ApiUrls {
            command_api: "http://127.0.0.1:8081".into(),
            query_api: "http://127.0.0.1:8082".into(),
            projector: "http://127.0.0.1:8083".into(),
        });
        assert!(csp.contains(
            "connect-src 'self' http://127.0.0.1:8081 http://127.0.0.1:8082 http://127.0.0.1:8083"
        ));
        assert!(csp.contains("script-src 'self';"));
        assert!(!csp.contains("unsafe"));
    }
}
