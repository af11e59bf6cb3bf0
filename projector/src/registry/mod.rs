//! The projections and process managers of the platform, one registration
//! line each in [`platform`]. Everything that arrives with a projection's
//! name (the CLI, the supervisor, the status) reaches its code through a
//! [`Registry`], so nothing else changes when a projection is added. A
//! projector built with `Application::builder` runs the registry it is
//! given (tests register projections of their own that way).

mod registered;

use std::sync::{Arc, LazyLock};

use crate::project_archival::ProjectArchival;
use crate::projection::Projection;
use crate::projects::Projects;
use crate::tasks::Tasks;

pub use registered::RegisteredProjection;

/// Every projection of the platform. Adding one is one more `register` line.
pub fn platform() -> Registry {
    Registry::default()
        .register(Tasks::V1)
        .register(Projects::V1)
        .register(ProjectArchival::V1)
}

/// The platform's registry, built on first use (the `projector` binary's).
pub fn registry() -> &'static Arc<Registry> {
    static REGISTRY: LazyLock<Arc<Registry>> = LazyLock::new(|| Arc::new(platform()));
    &REGISTRY
}

#[derive(Debug, thiserror::Error)]
#[error("no projection is named {name:?} (known: {known})", known = known.join(", "))]
pub struct UnknownProjection {
    pub name: String,
    pub known: Vec<&'static str>,
}

/// Projections by name; each registered at any version, since every
/// operation names the version it works on.
#[derive(Default)]
pub struct Registry {
    projections: Vec<Box<dyn RegisteredProjection>>,
}

impl Registry {
    /// Adds `projection` (at any version).
    ///
    /// # Panics
    ///
    /// When a projection of the same name is registered already: two
    /// projections would share their versions, checkpoints and tables.
    pub fn register<P: Projection>(mut self, projection: P) -> Self {
        let name = projection.id().name;
        assert!(
            !projection.topic_names().is_empty(),
            "projection {name} reads no topic"
        );
        assert!(
            self.names().all(|known| known != name),
            "projection {name} is registered twice"
        );
        self.projections.push(registered::erase(projection));
        self
    }

    /// The projection named `name`.
    pub fn get(&self, name: &str) -> Result<&dyn RegisteredProjection, UnknownProjection> {
        self.projections
            .iter()
            .find(|projection| projection.name() == name)
            .map(|projection| projection.as_ref())
            .ok_or_else(|| UnknownProjection {
                name: name.to_owned(),
                known: self.names().collect(),
            })
    }

    /// The registered projections' names, in registration order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.projections.iter().map(|projection| projection.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projections_are_found_by_name_and_unknown_names_list_the_known_ones() {
        let registry = platform();
        let tasks = registry.get("tasks").unwrap();
        assert_eq!(tasks.topic_names(), ["tasks"]);
        assert_eq!(tasks.tables(2)[0], "tasks_v2");
        let error = registry.get("nope").err().unwrap();
        assert_eq!(
            error.to_string(),
            "no projection is named \"nope\" (known: tasks, projects, project_archival)"
        );
    }

    #[test]
    #[should_panic(expected = "registered twice")]
    fn a_name_is_registered_once() {
        let _ = Registry::default().register(Tasks::V1).register(Tasks::V1);
    }
}
