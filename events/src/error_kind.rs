/// The class of a domain error; the HTTP layer maps it to a status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A field value breaks a rule (HTTP 400). `field` names the offending field.
    Invalid { field: &'static str },
    /// The aggregate does not exist (HTTP 404).
    NotFound,
    /// The command conflicts with the aggregate's current state (HTTP 409).
    Conflict,
}
