use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use platform::http::{Readiness, ReadinessProbe};
use rdkafka::consumer::{BaseConsumer, Consumer};
use serde_json::json;

use super::mounted::MountedAggregate;
use super::start_error::StartError;

/// Ready when Kafka answers for every mounted topic and every owned
/// partition has been restored (its streams and its key claims).
/// `checks.ownership` is keyed by topic.
pub(super) fn readiness_probe(
    mounts: Arc<[Arc<dyn MountedAggregate>]>,
    brokers: &str,
) -> Result<ReadinessProbe, StartError> {
    let admin: Arc<BaseConsumer> = Arc::new(platform::kafka::client_config(brokers).create()?);
    Ok(Arc::new(move || {
        let mounts = mounts.clone();
        let admin = admin.clone();
        async move {
            let topics: Vec<String> = mounts.iter().map(|m| m.topic().to_owned()).collect();
            let kafka = tokio::task::spawn_blocking(move || {
                topics.iter().all(|topic| {
                    admin
                        .fetch_metadata(Some(topic), Duration::from_secs(2))
                        .is_ok()
                })
            })
            .await
            .unwrap_or(false);
            let ownership: BTreeMap<&str, _> = mounts
                .iter()
                .map(|mount| (mount.topic(), mount.ownership()))
                .collect();
            let owned_ready = ownership
                .values()
                .all(|status| status.joined && status.restoring.is_empty());
            Readiness {
                ready: kafka && owned_ready,
                checks: json!({ "kafka": kafka, "ownership": ownership }),
            }
        }
        .boxed()
    }))
}
