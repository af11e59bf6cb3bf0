//! `cargo run --release -p bench -- commands [--clients 64] [--seconds 20] [--tasks 2000] [--url URL]`
//!
//! Drives the command API with concurrent clients and prints commands/s and
//! latency percentiles, then measures in the same run the raw rate of
//! transactional produces to the same broker with plain rdkafka, and the ratio.
//! Without `--url` it starts a command API in-process on a fresh topic.

mod args;
mod auth;
mod catch_up;
mod commands;
mod latency;
mod raw_produce;
mod read_side;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args::Args::parse(std::env::args().skip(1))?;
    match args.scenario.as_str() {
        "commands" => commands::run(&args).await,
        "catch-up" => catch_up::run(&args).await,
        "query-gets" => read_side::query_gets(&args).await,
        "freshness" => read_side::freshness(&args).await,
        other => anyhow::bail!(
            "unknown scenario {other:?}; try `commands`, `catch-up`, `query-gets` or `freshness`"
        ),
    }
}
