//! `idle`: the CPU each service uses with nothing to do. Each service runs
//! alone in this (otherwise idle) process, release build, on a fresh topic
//! and database; after a settling time the process's CPU time over the
//! sample, from `/proc/self/stat`, is the service's idle cost.

use std::time::{Duration, Instant};

use crate::args::Args;
use crate::report::Figure;

/// Linux reports CPU time in clock ticks of 1/100 s (`USER_HZ`).
const TICKS_PER_SECOND: f64 = 100.0;
const SETTLE: Duration = Duration::from_secs(3);
const SAMPLE: Duration = Duration::from_secs(10);

/// User plus system CPU time of this process so far, in seconds.
fn cpu_seconds() -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // The fields after the command name, which is in parentheses.
    let after_name = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or_else(|| anyhow::anyhow!("unexpected /proc/self/stat"))?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here.
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    Ok(ticks / TICKS_PER_SECOND)
}

/// The share of one core this process used over [`SAMPLE`].
async fn sample_cpu() -> anyhow::Result<f64> {
    tokio::time::sleep(SETTLE).await;
    let (before, started) = (cpu_seconds()?, Instant::now());
    tokio::time::sleep(SAMPLE).await;
    Ok((cpu_seconds()? - before) / started.elapsed().as_secs_f64())
}

pub async fn run(args: &Args) -> anyhow::Result<Vec<Figure>> {
    let id = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
    let prefix = format!("bench-{id}.");
    let mut figures = Vec::new();

    println!("idle command API ...");
    let api = crate::commands::start_command_api(args, &prefix).await?;
    let share = sample_cpu().await?;
    let _ = api.stop.send(());
    figures.push(Figure::alone(
        "idle command API",
        share * 100.0,
        "% of a core",
    ));

    let database = crate::catch_up::create_database(&format!("bench_{id}")).await?;
    println!("idle projector ...");
    let projector = crate::read_side::start_projector(args, &prefix, &database).await?;
    let share = sample_cpu().await?;
    let _ = projector.send(());
    figures.push(Figure::alone(
        "idle projector",
        share * 100.0,
        "% of a core",
    ));

    println!("idle query API ...");
    let query = crate::read_side::start_query_api(args, &prefix, &database).await?;
    let share = sample_cpu().await?;
    let _ = query.1.send(());
    figures.push(Figure::alone(
        "idle query API",
        share * 100.0,
        "% of a core",
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    crate::catch_up::drop_database(&database).await;
    Ok(figures)
}
