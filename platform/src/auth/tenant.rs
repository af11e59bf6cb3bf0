//! What a tenant id and an actor may look like, wherever they come from
//! (a token's claims, or the headers when authentication is off).

pub const TENANT_RULE: &str = "1-64 characters of A-Z a-z 0-9 . _ -";
pub const ACTOR_MAX_CHARS: usize = 200;

pub fn is_valid_tenant(tenant: &str) -> bool {
    (1..=64).contains(&tenant.len())
        && tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

/// An actor lands in every event and every read model row: printable text only.
pub fn is_valid_actor(actor: &str) -> bool {
    let chars = actor.chars().count();
    (1..=ACTOR_MAX_CHARS).contains(&chars) && !actor.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenants() {
        assert!(is_valid_tenant("acme-1.eu_west"));
        assert!(!is_valid_tenant(""));
        assert!(!is_valid_tenant(&"a".repeat(65)));
        assert!(!is_valid_tenant("acme corp"));
        assert!(!is_valid_tenant("acmé"));
    }

    #[test]
    fn actors() {
        assert!(is_valid_actor("ada@example.com"));
        assert!(is_valid_actor("Zoë"));
        assert!(!is_valid_actor(""));
        assert!(!is_valid_actor("ada\u{0}"));
        assert!(!is_valid_actor("ada\n"));
        assert!(!is_valid_actor(&"a".repeat(201)));
    }
}
