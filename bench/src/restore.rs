//! `cargo run --release -p bench -- restore [--rows 100000x1,1000000x10] [--partitions 6]`
//!
//! Write-side restore (issue #9): for each row S×E, pre-fills a fresh topic
//! with S task streams of E events, then starts the release `command-api`
//! binary on it as a child process and measures the time from spawn until
//! `/readyz` answers 200 and its resident memory once ready. A second start of
//! the same binary on the same topic and group then takes the history over
//! (from whatever the first start left, snapshots included once the writer
//! writes them). Each start must also serve a few commands that only a right
//! restore answers as expected (`checks`).

mod checks;
mod child_process;
mod prefill;
pub mod row;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use events::{Aggregate, task::Task};
use rdkafka::admin::{AdminClient, AdminOptions};
use rdkafka::client::DefaultClientContext;

use crate::args::Args;
use crate::report::Figure;
use child_process::{CommandApiProcess, Settings};
use row::Row;

/// One start of the command API on a pre-filled topic.
#[derive(Debug, Clone, Copy)]
struct Start {
    ready: Duration,
    /// VmRSS once ready.
    resident: u64,
    /// VmHWM after the checks.
    peak: u64,
}

struct Measured {
    row: Row,
    events: usize,
    first: Start,
    second: Start,
}

/// The targets, printed beside the figures.
const TAKEOVER_RATIO_TARGET: f64 = 1.2;
const RESIDENT_TARGET_MB: f64 = 250.0;
const TARGET_STREAMS: usize = 1_000_000;

pub async fn run(args: &Args) -> anyhow::Result<Vec<Figure>> {
    let binary = command_api_binary(args)?;
    println!("command API binary: {}", binary.display());
    let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let mut measured = Vec::new();
    for row in &args.rows {
        let prefix = format!("bench-restore-{run_id}-{row}.");
        let result = measure(args, &binary, &prefix, *row, &http).await;
        // Also after a failure: a row's topic holds up to millions of events.
        delete_topics(&args.brokers, &prefix).await;
        measured.push(result.with_context(|| format!("row {row}"))?);
    }
    println!();
    print!("{}", table(&measured));
    Ok(figures(&measured))
}

async fn measure(
    args: &Args,
    binary: &std::path::Path,
    prefix: &str,
    row: Row,
    http: &reqwest::Client,
) -> anyhow::Result<Measured> {
    let topic = format!("{prefix}{}", Task::TOPIC_NAME);
    println!(
        "row {row}: pre-filling {topic} with {} events over {} partitions ...",
        row.events(),
        args.partitions
    );
    let started = std::time::Instant::now();
    let mut prefilled = prefill::prefill(&args.brokers, &topic, args.partitions, row).await?;
    println!(
        "  produced {} events in {:.1}s",
        prefilled.events,
        started.elapsed().as_secs_f64()
    );
    // The group outlives the first start: the second one takes over from it.
    let group = prefix.trim_end_matches('.').to_owned();
    let mut starts = Vec::new();
    for start in 1..=2 {
        let settings = Settings {
            binary,
            brokers: &args.brokers,
            topic_prefix: prefix,
            partitions: args.partitions,
            group: &group,
            log: std::env::temp_dir().join(format!("{group}-start{start}.log")),
            // Each start is another instance, with a state directory of its
            // own: the second takes the partitions over, as after a failover.
            state_dir: std::env::temp_dir().join(format!("{group}-state{start}")),
        };
        let mut process = CommandApiProcess::spawn(&settings)?;
        let ready = process.wait_ready(http).await?;
        let at_ready = process.memory()?;
        checks::run(http, &process.url, &mut prefilled, start).await?;
        let after_checks = process.memory()?;
        process.terminate().await?;
        let _ = std::fs::remove_dir_all(&settings.state_dir);
        let measured = Start {
            ready,
            resident: at_ready.resident,
            peak: after_checks.peak,
        };
        println!(
            "  start {start}: ready after {:.2}s, {:.0} MB resident, peak {:.0} MB (log {})",
            ready.as_secs_f64(),
            megabytes(measured.resident),
            megabytes(measured.peak),
            settings.log.display()
        );
        starts.push(measured);
    }
    Ok(Measured {
        row,
        events: prefilled.events,
        first: starts[0],
        second: starts[1],
    })
}

/// `--command-api`, else the `command-api` beside this binary (the release
/// one under `cargo run --release`).
fn command_api_binary(args: &Args) -> anyhow::Result<PathBuf> {
    let binary = match &args.command_api {
        Some(path) => path.clone(),
        None => std::env::current_exe()?
            .parent()
            .context("the bench binary has no directory")?
            .join("command-api"),
    };
    anyhow::ensure!(
        binary.is_file(),
        "{} does not exist: run `cargo build --release --workspace` first (or pass --command-api)",
        binary.display()
    );
    Ok(binary)
}

/// Deletes every topic whose name starts with `prefix` (best effort).
async fn delete_topics(brokers: &str, prefix: &str) {
    let Ok(admin) =
        platform::kafka::client_config(brokers).create::<AdminClient<DefaultClientContext>>()
    else {
        return;
    };
    let topics: Vec<String> = match admin.inner().fetch_metadata(None, Duration::from_secs(10)) {
        Ok(metadata) => metadata
            .topics()
            .iter()
            .map(|topic| topic.name().to_owned())
            .filter(|name| name.starts_with(prefix))
            .collect(),
        Err(error) => {
            eprintln!("listing the topics to delete failed: {error}");
            return;
        }
    };
    let names: Vec<&str> = topics.iter().map(String::as_str).collect();
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
    match admin.delete_topics(&names, &options).await {
        Ok(_) => println!("  deleted {}", names.join(", ")),
        Err(error) => eprintln!("deleting {} failed: {error}", names.join(", ")),
    }
    let group = prefix.trim_end_matches('.');
    let _ = admin.delete_groups(&[group], &options).await;
}

fn megabytes(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn table(measured: &[Measured]) -> String {
    let mut out = format!(
        "{:<12} {:>10} {:>20} {:>14} {:>21} {:>15} {:>9}\n",
        "row",
        "events",
        "first start ready s",
        "first RSS MB",
        "second start ready s",
        "second RSS MB",
        "peak MB"
    );
    for m in measured {
        out.push_str(&format!(
            "{:<12} {:>10} {:>20.2} {:>14.0} {:>21.2} {:>15.0} {:>9.0}\n",
            m.row.to_string(),
            m.events,
            m.first.ready.as_secs_f64(),
            megabytes(m.first.resident),
            m.second.ready.as_secs_f64(),
            megabytes(m.second.resident),
            megabytes(m.first.peak.max(m.second.peak)),
        ));
    }
    for (many, one) in pairs_with_one_event(measured) {
        let ratio = many.second.ready.as_secs_f64() / one.second.ready.as_secs_f64();
        out.push_str(&format!(
            "takeover (second start) {} / {}: {ratio:.2} (target <= {TAKEOVER_RATIO_TARGET})\n",
            many.row, one.row
        ));
    }
    for m in measured.iter().filter(|m| m.row.streams == TARGET_STREAMS) {
        out.push_str(&format!(
            "resident memory at {} streams ({}): first {:.0} MB, second {:.0} MB (target <= {RESIDENT_TARGET_MB} MB)\n",
            TARGET_STREAMS,
            m.row,
            megabytes(m.first.resident),
            megabytes(m.second.resident),
        ));
    }
    out
}

/// Rows of E > 1 events per stream, each with the row of as many streams of
/// one event, when both were measured.
fn pairs_with_one_event(measured: &[Measured]) -> Vec<(&Measured, &Measured)> {
    measured
        .iter()
        .filter(|many| many.row.events_per_stream > 1)
        .filter_map(|many| {
            measured
                .iter()
                .find(|one| one.row.streams == many.row.streams && one.row.events_per_stream == 1)
                .map(|one| (many, one))
        })
        .collect()
}

fn figures(measured: &[Measured]) -> Vec<Figure> {
    let mut figures = Vec::new();
    for m in measured {
        let row = m.row;
        for (start, measured) in [("first", m.first), ("second", m.second)] {
            figures.push(Figure::alone(
                format!("restore {row}: {start} start ready after"),
                measured.ready.as_secs_f64(),
                "s",
            ));
            figures.push(Figure::alone(
                format!("restore {row}: {start} start RSS once ready"),
                megabytes(measured.resident),
                "MB",
            ));
            figures.push(Figure::alone(
                format!("restore {row}: {start} start peak RSS"),
                megabytes(measured.peak),
                "MB",
            ));
        }
    }
    for (many, one) in pairs_with_one_event(measured) {
        figures.push(Figure::against(
            format!("takeover {} (second start)", many.row),
            many.second.ready.as_secs_f64(),
            "s",
            format!("takeover {} (second start)", one.row),
            one.second.ready.as_secs_f64(),
        ));
    }
    figures
}
