//! Command-line flags, kept dependency-free.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Args {
    pub scenario: String,
    pub url: Option<String>,
    pub clients: usize,
    pub duration: Duration,
    pub tasks: usize,
    pub brokers: String,
    pub partitions: i32,
    /// `--events`: the backlog of the catch-up scenario.
    pub events: usize,
    /// `--rate`: commands per second of the freshness scenario.
    pub rate: u64,
}

impl Args {
    pub fn parse(mut raw: impl Iterator<Item = String>) -> anyhow::Result<Self> {
        let mut args = Self {
            scenario: "commands".into(),
            url: None,
            clients: 64,
            duration: Duration::from_secs(20),
            tasks: 2000,
            brokers: platform::env_or("KAFKA_BROKERS", "127.0.0.1:9092"),
            partitions: 6,
            events: 1_000_000,
            rate: 1_000,
        };
        let mut positional = Vec::new();
        while let Some(flag) = raw.next() {
            let mut value = || {
                raw.next()
                    .ok_or_else(|| anyhow::anyhow!("{flag} needs a value"))
            };
            match flag.as_str() {
                "--url" => args.url = Some(value()?),
                "--clients" => args.clients = value()?.parse()?,
                "--seconds" => args.duration = Duration::from_secs(value()?.parse()?),
                "--tasks" => args.tasks = value()?.parse()?,
                "--brokers" => args.brokers = value()?,
                "--partitions" => args.partitions = value()?.parse()?,
                "--events" => args.events = value()?.parse()?,
                "--rate" => args.rate = value()?.parse()?,
                other if other.starts_with("--") => anyhow::bail!("unknown flag {other}"),
                other => positional.push(other.to_owned()),
            }
        }
        if let Some(scenario) = positional.into_iter().next() {
            args.scenario = scenario;
        }
        Ok(args)
    }
}
