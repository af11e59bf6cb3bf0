//! Prints one line per event of the topic, decoded via the schema registry.
//! Configuration: see `Settings::from_env` (KAFKA_BROKERS, ANALYTICS_TOPIC,
//! ANALYTICS_GROUP, SCHEMA_REGISTRY_URL, ANALYTICS_EXIT_AT_END).

use analytics_consumer::{Settings, run};

fn main() -> anyhow::Result<()> {
    let settings = Settings::from_env();
    eprintln!(
        "reading {} as group {} (registry: {})",
        settings.topic,
        settings.group_id,
        settings.registry_url.as_deref().unwrap_or("none")
    );
    let summary = run(&settings, |position, decoded| match decoded {
        Ok(event) => println!("{event}"),
        Err(error) => eprintln!(
            "partition {} offset {}: cannot decode: {error}",
            position.partition, position.offset
        ),
    })?;
    eprintln!(
        "{} events, {} undecodable",
        summary.events, summary.undecodable
    );
    Ok(())
}
