//! The projections this binary knows, by name. Operations that arrive with a
//! projection's name (the CLI, the supervisor) reach its code through
//! [`with_projection!`](crate::with_projection): adding a projection is one
//! more arm there and its name in [`NAMES`].

use read_model::tasks;

pub const NAMES: &[&str] = &[tasks::NAME];

#[derive(Debug, thiserror::Error)]
#[error("no projection is named {0:?} (known: {known})", known = NAMES.join(", "))]
pub struct UnknownProjection(pub String);

/// The topic name (within the events prefix) a projection reads.
pub fn topic_name(name: &str) -> Result<&'static str, UnknownProjection> {
    crate::with_projection!(name, 1, |projection| {
        crate::projection::Projection::topic_name(&projection)
    })
}

/// Evaluates `$body` with `$projection` bound to the projection named `$name`
/// writing version `$version`; `Err(UnknownProjection)` for other names.
#[macro_export]
macro_rules! with_projection {
    ($name:expr, $version:expr, |$projection:ident| $body:expr) => {
        match $name {
            name if name == ::read_model::tasks::NAME => {
                let $projection = $crate::tasks::Tasks::version($version);
                Ok($body)
            }
            other => Err($crate::registry::UnknownProjection(other.to_owned())),
        }
    };
}
