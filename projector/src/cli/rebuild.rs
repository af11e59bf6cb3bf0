//! Following a rebuild until the projectors switch the query API to it.

use read_model::versions::Role;
use std::time::Duration;

use crate::status::{State, StatusSource};

use super::CliError;

const EVERY: Duration = Duration::from_secs(2);
/// How long a rebuild may have no consumer before the operator is told.
const NO_CONSUMER_HINT_AFTER: u32 = 5;

/// Prints the progress of `projection` (`tasks.v2`) every two seconds and
/// returns once it is live; fails if it is dropped meanwhile.
pub async fn follow(source: &StatusSource, projection: &str) -> Result<(), CliError> {
    let mut without_consumer = 0;
    loop {
        let snapshot = source.collect().await?;
        let Some(version) = snapshot.version(projection) else {
            return Err(CliError::Incomplete(format!(
                "{projection} was dropped before it went live"
            )));
        };
        match version.role {
            Role::Live => {
                println!(
                    "{projection} has caught up: the query API serves it now; the previous version is on standby (projector rollback {name} switches back; projector drop {name} deletes it)",
                    name = version.name
                );
                return Ok(());
            }
            Role::Standby | Role::Dropped => {
                return Err(CliError::Incomplete(format!(
                    "{projection} is {} and will not go live",
                    version.role
                )));
            }
            Role::Building => {}
        }
        if version.state == State::Stopped {
            without_consumer += 1;
            if without_consumer == NO_CONSUMER_HINT_AFTER {
                eprintln!(
                    "no projector consumes {projection}: the serving projectors pick up a rebuild within a second; is one running with this database and PROJECTOR_GROUP_PREFIX?"
                );
            }
        } else {
            without_consumer = 0;
        }
        let live_parked = snapshot
            .versions
            .iter()
            .find(|v| v.name == version.name && v.role == Role::Live)
            .map_or(0, |live| live.parked_events);
        if version.parked_events > live_parked {
            eprintln!(
                "{projection} has {} parked events, the live version {live_parked}: it is not switched to until they are resolved (projector parked list --projection {projection})",
                version.parked_events
            );
        }
        let rate = version
            .events_per_second
            .map_or_else(|| "-".to_owned(), |rate| format!("{rate:.0}"));
        let eta = version
            .catch_up_seconds
            .map_or_else(|| "unknown".to_owned(), |seconds| format!("{seconds:.0}s"));
        let consumed = if version.state == State::Stopped {
            " (no projector consumes it yet)"
        } else {
            ""
        };
        println!(
            "{projection} {}{consumed}: lag {}, {rate} events/s, catching up in {eta}, {} parked",
            version.role,
            version
                .lag
                .map_or_else(|| "-".to_owned(), |lag| lag.to_string()),
            version.parked_events
        );
        tokio::time::sleep(EVERY).await;
    }
}
