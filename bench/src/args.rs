//! Command-line flags, parsed with clap.

use std::time::Duration;

use clap::{Parser, ValueEnum};

use crate::restore::row::Row;

/// Benchmarks that drive the platform's services and print their figures.
///
/// Each scenario starts what it needs in-process on fresh topics (`commands`
/// uses a running command API instead with --url; `restore` starts the
/// release `command-api` binary as a child process); run `scripts/infra.sh up`
/// and `eval "$(scripts/infra.sh env)"` first.
#[derive(Debug, Clone, Parser)]
#[command(name = "bench")]
pub struct Args {
    /// What to measure
    #[arg(value_enum, default_value_t = Scenario::Commands)]
    pub scenario: Scenario,
    /// A running command API to drive (commands); default: one started in-process
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Concurrent clients (commands, query-gets)
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub clients: usize,
    /// How long to measure (commands, query-gets, freshness)
    #[arg(
        long = "seconds",
        value_name = "N",
        default_value = "20",
        value_parser = seconds
    )]
    pub duration: Duration,
    /// Tasks created before measuring (commands, query-gets)
    #[arg(long, value_name = "N", default_value_t = 2000)]
    pub tasks: usize,
    /// The Kafka brokers; default: KAFKA_BROKERS, else 127.0.0.1:9092
    #[arg(long, value_name = "LIST", default_value_t = platform::env_or("KAFKA_BROKERS", "127.0.0.1:9092"))]
    pub brokers: String,
    /// Partitions of the fresh topics
    #[arg(long, value_name = "N", default_value_t = 6)]
    pub partitions: i32,
    /// The backlog of the catch-up scenario, in events
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub events: usize,
    /// Commands per second of the freshness scenario
    #[arg(long, value_name = "N", default_value_t = 1_000)]
    pub rate: u64,
    /// commands: drive a constant arrival rate (open loop) and search for
    /// the highest rate holding p99 <= 50 ms for --seconds per step
    #[arg(long, overrides_with = "open_loop")]
    pub open_loop: bool,
    /// freshness: measure at 25%, 50% and 75% of this command rate instead of --rate
    #[arg(long, value_name = "N")]
    pub max_rate: Option<u64>,
    /// restore: the pre-filled topics, STREAMSxEVENTS each (events per stream)
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        default_value = "100000x1,100000x10,1000000x1,1000000x10"
    )]
    pub rows: Vec<Row>,
    /// restore: the command API binary to start; default: the `command-api`
    /// beside this binary (target/release/command-api under `cargo run --release`)
    #[arg(long, value_name = "PATH")]
    pub command_api: Option<std::path::PathBuf>,
    /// Also write the table of figures as JSON to this file
    #[arg(long, value_name = "PATH")]
    pub json: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scenario {
    /// Commands/s and latency of the command API, then raw transactional produces
    Commands,
    /// The projector catching up with a backlog of --events
    CatchUp,
    /// GET /v1/tasks/{id} of the query API
    QueryGets,
    /// From a command's acknowledgement to its effect being visible through the query API
    Freshness,
    /// The CPU each service uses with nothing to do
    Idle,
    /// Time to ready and resident memory of the release command API binary
    /// on topics pre-filled with --rows, started twice (the second takes over)
    Restore,
    /// Every scenario (commands open loop, catch-up, query-gets, freshness at
    /// 25/50/75% of the open-loop maximum, idle): one table of figure, ceiling, ratio
    All,
}

fn seconds(text: &str) -> Result<Duration, String> {
    text.parse()
        .map(Duration::from_secs)
        .map_err(|_| format!("a whole number of seconds is expected; got {text:?}"))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    use super::*;

    fn parse(line: &str) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("bench").chain(line.split_whitespace()))
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Args::command().debug_assert();
    }

    #[test]
    fn defaults() {
        let args = parse("").unwrap();
        assert_eq!(args.scenario, Scenario::Commands);
        assert_eq!(args.url, None);
        assert_eq!(args.clients, 64);
        assert_eq!(args.duration, Duration::from_secs(20));
        assert_eq!(args.tasks, 2000);
        assert_eq!(args.partitions, 6);
        assert_eq!(args.events, 1_000_000);
        assert_eq!(args.rate, 1_000);
        assert!(!args.open_loop);
        assert_eq!((args.max_rate, args.json), (None, None));
        let rows: Vec<String> = args.rows.iter().map(Row::to_string).collect();
        assert_eq!(rows, ["100000x1", "100000x10", "1000000x1", "1000000x10"]);
        assert_eq!(args.command_api, None);
        assert_eq!(
            args.brokers,
            platform::env_or("KAFKA_BROKERS", "127.0.0.1:9092")
        );
    }

    #[test]
    fn the_documented_command_lines_parse() {
        let args = parse("commands --clients 64 --seconds 20").unwrap();
        assert_eq!(
            (args.scenario, args.clients, args.duration),
            (Scenario::Commands, 64, Duration::from_secs(20))
        );
        let args = parse("catch-up --events 1000000").unwrap();
        assert_eq!((args.scenario, args.events), (Scenario::CatchUp, 1_000_000));
        let args = parse("query-gets --seconds 10").unwrap();
        assert_eq!(
            (args.scenario, args.duration),
            (Scenario::QueryGets, Duration::from_secs(10))
        );
        let args = parse("freshness --seconds 15 --rate 500").unwrap();
        assert_eq!(
            (args.scenario, args.duration, args.rate),
            (Scenario::Freshness, Duration::from_secs(15), 500)
        );
        let args = parse("commands --open-loop --seconds 20").unwrap();
        assert!(args.open_loop);
        let args = parse("freshness --max-rate 2000").unwrap();
        assert_eq!(args.max_rate, Some(2000));
        let args = parse("all --json out.json").unwrap();
        assert_eq!(
            (args.scenario, args.json.as_deref()),
            (Scenario::All, Some(std::path::Path::new("out.json")))
        );
        let args = parse("restore --rows 100000x1,1000000x10 --json out.json").unwrap();
        let rows: Vec<String> = args.rows.iter().map(Row::to_string).collect();
        assert_eq!(
            (args.scenario, rows.as_slice()),
            (
                Scenario::Restore,
                ["100000x1", "1000000x10"].map(String::from).as_slice()
            )
        );
        let args = parse("restore --command-api target/release/command-api").unwrap();
        assert_eq!(
            args.command_api.as_deref(),
            Some(std::path::Path::new("target/release/command-api"))
        );
        // Flags before the scenario, and --flag=value.
        let args = parse(
            "--url http://127.0.0.1:8081 --tasks=10 --brokers b:9092 --partitions 3 commands",
        )
        .unwrap();
        assert_eq!(args.url.as_deref(), Some("http://127.0.0.1:8081"));
        assert_eq!(
            (args.tasks, args.brokers.as_str(), args.partitions),
            (10, "b:9092", 3)
        );
    }

    #[test]
    fn help_and_mistakes() {
        let help = parse("--help").unwrap_err();
        assert_eq!(help.kind(), ErrorKind::DisplayHelp);
        assert_eq!(help.exit_code(), 0);
        assert!(help.to_string().contains("catch-up"), "{help}");
        for line in [
            "--fast",
            "commands --clients",
            "commands --clients many",
            "commands --seconds 1.5",
            "frobnicate",
            "commands freshness",
            "restore --rows 100000",
            "restore --rows 5x1",
        ] {
            let error = parse(line).expect_err(line);
            assert_eq!(error.exit_code(), 2, "{line}: {error}");
        }
    }
}
