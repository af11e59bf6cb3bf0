//! Authentication and authorization: bearer JWTs verified against a shared
//! HS256 secret or a JWKS document, the scopes each route class needs, and
//! the tenant a caller belongs to.

mod principal;

pub use principal::Principal;

/// The scope the command API requires.
pub const SCOPE_COMMANDS_WRITE: &str = "commands:write";
/// The scope the query API requires.
pub const SCOPE_QUERIES_READ: &str = "queries:read";
/// The scope the projector's state-changing and detail endpoints require.
pub const SCOPE_OPS_ADMIN: &str = "ops:admin";
