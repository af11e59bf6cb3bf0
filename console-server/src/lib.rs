//! The web console's server: the single-page app built into `console/dist`,
//! served from memory with strict security headers (a CSP that lets the page
//! talk to the platform's three APIs and nothing else), the SPA's fallback to
//! `index.html`, and `GET /config.json` telling the page where the APIs are.
//! The browser then calls the APIs directly (they allow the console's origin
//! through `CORS_ALLOWED_ORIGINS`): this server holds no token and proxies
//! nothing.

mod application;
pub mod config;
mod routes;
mod security_headers;
mod site;

pub use application::{Application, StartError, serve_from_env};
pub use config::{ApiUrls, Config};
pub use site::{Site, SiteError};
