//! Process managers' delivery: the dispatcher sends the commands they
//! decided (the outbox `process_manager_commands`) to the command API, under
//! a service identity acting in the triggering event's tenant, with each
//! command's idempotency key, until the command API has answered for good.
//! A delivery repeated after a crash is applied once by the command API.

mod credentials;
mod dispatcher;
mod settings;

pub use credentials::{Credentials, CredentialsError};
pub use dispatcher::{Dispatcher, DispatcherHandle};
pub use settings::ProcessManagerSettings;

/// The subject a process manager acts as (the `actor` of the events its
/// commands append): `process-manager:<name>`.
pub fn subject(process_manager: &str) -> String {
    format!("process-manager:{process_manager}")
}
