//! Who is calling: the verified identity a request acts as.

/// The caller of a request, as the authentication middleware established it
/// (from a verified JWT, or from the headers when `AUTH_MODE=none`). Handlers
/// read it from the request's extensions; it is the only source of the
/// tenant and the actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The token's `sub`: becomes the envelope's `actor`.
    pub subject: String,
    /// The tenant whose data the request may touch.
    pub tenant: String,
    /// The token's `scope`, split on spaces.
    pub scopes: Vec<String>,
}

impl Principal {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|granted| granted == scope)
    }
}
