//! `cargo run --release -p bench -- commands [--clients 64] [--seconds 20] [--tasks 2000] [--url URL]`
//! (`-- --help` for every scenario and flag).
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

use args::Scenario;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // A usage error exits 2 with clap's message; --help exits 0.
    let args = <args::Args as clap::Parser>::parse();
    match args.scenario {
        Scenario::Commands => commands::run(&args).await,
        Scenario::CatchUp => catch_up::run(&args).await,
        Scenario::QueryGets => read_side::query_gets(&args).await,
        Scenario::Freshness => read_side::freshness(&args).await,
    }
}
