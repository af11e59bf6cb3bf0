//! `cargo run --release -p bench -- <scenario> [flags]` (`-- --help` for
//! every scenario and flag). Each scenario measures the platform and, in the
//! same run, the ceiling it is compared with, and prints one table of
//! figure, ceiling and ratio; `all` runs every scenario (`--json out.json`
//! writes the table as JSON too). `restore` is not part of `all`: it
//! pre-fills up to ten million events per row.

mod args;
mod auth;
mod catch_up;
mod commands;
mod idle;
mod latency;
mod open_loop;
mod raw_produce;
mod read_side;
mod report;
mod restore;

use args::{Args, Scenario};
use report::Figure;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // A usage error exits 2 with clap's message; --help exits 0.
    let args = <Args as clap::Parser>::parse();
    let figures = match args.scenario {
        Scenario::Commands if args.open_loop => commands::open_loop(&args).await?,
        Scenario::Commands => commands::closed_loop(&args).await?,
        Scenario::CatchUp => catch_up::run(&args).await?,
        Scenario::QueryGets => read_side::query_gets(&args).await?,
        Scenario::Freshness => read_side::freshness(&args).await?,
        Scenario::Idle => idle::run(&args).await?,
        Scenario::Restore => restore::run(&args).await?,
        Scenario::All => all(&args).await?,
    };
    println!();
    print!("{}", report::table(&figures));
    if let Some(path) = &args.json {
        report::write_json(path, &figures)?;
        println!("written to {}", path.display());
    }
    Ok(())
}

/// Every scenario in one run; freshness at shares of the open-loop maximum.
async fn all(args: &Args) -> anyhow::Result<Vec<Figure>> {
    let mut figures = commands::open_loop(args).await?;
    let maximum = figures.first().map_or(0.0, |figure| figure.value);
    figures.extend(catch_up::run(args).await?);
    figures.extend(read_side::query_gets(args).await?);
    let freshness = Args {
        max_rate: Some((maximum as u64).max(100)),
        ..args.clone()
    };
    figures.extend(read_side::freshness(&freshness).await?);
    figures.extend(idle::run(args).await?);
    Ok(figures)
}
