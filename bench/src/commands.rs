//! The command API under load, beside the transactional produce ceiling of
//! the same run: closed loop (N clients, each sending one command at a time:
//! renames, priority and description changes on random tasks) or, with
//! `--open-loop`, a search for the highest constant arrival rate that holds
//! p99 <= 50 ms (`open_loop`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::args::Args;
use crate::latency::Latencies;
use crate::open_loop::{self, P99_TARGET_MS, Target};
use crate::raw_produce;
use crate::report::Figure;

const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];

/// A command API to drive, with tasks to rename.
struct Prepared {
    target: Target,
    run_id: String,
    server: Option<RunningApi>,
}

async fn prepare(args: &Args) -> anyhow::Result<Prepared> {
    let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let (url, server) = match &args.url {
        Some(url) => (url.clone(), None),
        None => {
            let server = start_command_api(args, &format!("bench-{run_id}.")).await?;
            (server.url.clone(), Some(server))
        }
    };
    let client = reqwest::Client::builder()
        .default_headers(crate::auth::headers())
        .pool_max_idle_per_host(args.clients.max(256))
        .timeout(Duration::from_secs(10))
        .build()?;
    println!("creating {} tasks through {url} ...", args.tasks);
    let tasks = create_tasks(&client, &url, args.tasks, args.clients).await?;
    Ok(Prepared {
        target: Target {
            client,
            url,
            tasks: Arc::new(tasks),
        },
        run_id,
        server,
    })
}

/// How long each transaction of the ceiling lasts.
const CEILING_TRANSACTION: Duration = Duration::from_millis(10);

/// The transactional produce ceiling of the same run, in records/s.
async fn transactional_ceiling(args: &Args, run_id: &str) -> anyhow::Result<f64> {
    let rate = raw_produce::records_per_second(
        &args.brokers,
        &format!("bench-{run_id}.raw"),
        args.partitions,
        CEILING_TRANSACTION,
        Duration::from_secs(10),
    )
    .await?;
    println!("  {rate:.0} records/s in {CEILING_TRANSACTION:?} transactions");
    Ok(rate)
}

const CEILING_NAME: &str = "rdkafka transactional produce, 10 ms transactions";

/// `commands --open-loop`: the highest rate holding p99 <= 50 ms for a whole
/// step, beside the transactional produce ceiling of the same run.
pub async fn open_loop(args: &Args) -> anyhow::Result<Vec<Figure>> {
    let prepared = prepare(args).await?;
    println!(
        "open loop: steps of {:?}, 80% renames and 20% creates ...",
        args.duration
    );
    let search = open_loop::search(&prepared.target, args.duration).await;
    println!(
        "transactional produce ceiling, {} partitions ...",
        args.partitions
    );
    let ceiling = transactional_ceiling(args, &prepared.run_id).await?;
    if let Some(server) = prepared.server {
        let _ = server.stop.send(());
    }
    let best = search.best.unwrap_or(0.0);
    let mut figures = vec![Figure::against(
        format!("open-loop commands/s at p99 <= {P99_TARGET_MS} ms"),
        best,
        "1/s",
        CEILING_NAME,
        ceiling,
    )];
    if let Some(step) = search.at(500.0) {
        figures.push(Figure::alone(
            "open-loop p50 at 500 commands/s",
            step.latencies.percentile_ms(50.0),
            "ms",
        ));
        figures.push(Figure::alone(
            "open-loop p99 at 500 commands/s",
            step.latencies.percentile_ms(99.0),
            "ms",
        ));
    }
    Ok(figures)
}

/// The closed loop: `--clients` clients, each sending its next command when
/// the last one is answered (so the rate is clients / latency).
pub async fn closed_loop(args: &Args) -> anyhow::Result<Vec<Figure>> {
    let Prepared {
        target,
        run_id,
        server,
    } = prepare(args).await?;
    let Target { client, url, tasks } = target;
    println!(
        "driving {} clients for {:?} ...",
        args.clients, args.duration
    );
    let started = Instant::now();
    let deadline = started + args.duration;
    let workers: Vec<_> = (0..args.clients)
        .map(|worker| {
            let client = client.clone();
            let url = url.clone();
            let tasks = tasks.clone();
            tokio::spawn(async move {
                let mut latencies = Latencies::default();
                let mut errors = 0u64;
                let mut n = worker;
                while Instant::now() < deadline {
                    n = n
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let task = tasks[(n >> 33) % tasks.len()];
                    let (command, body) = match n % 3 {
                        0 => ("rename", json!({ "title": format!("title {n}") })),
                        1 => (
                            "change-priority",
                            json!({ "priority": PRIORITIES[(n >> 40) % 4] }),
                        ),
                        _ => (
                            "change-description",
                            json!({ "description": format!("d{n}") }),
                        ),
                    };
                    let sent = Instant::now();
                    let response = client
                        .post(format!("{url}/v1/tasks/{task}/{command}"))
                        .json(&body)
                        .send()
                        .await;
                    match response {
                        Ok(response) if response.status().is_success() => {
                            latencies.record(sent.elapsed())
                        }
                        _ => errors += 1,
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Latencies::default();
    let mut errors = 0;
    for worker in workers {
        let (worker_latencies, worker_errors) = worker.await?;
        latencies.extend(worker_latencies);
        errors += worker_errors;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let rate = latencies.len() as f64 / elapsed;
    let batch = batch_size(&client, &url).await.unwrap_or(1.0);
    if let Some(server) = server {
        let _ = server.stop.send(());
    }
    println!(
        "transactional produce ceiling, {} partitions ...",
        args.partitions
    );
    let ceiling = transactional_ceiling(args, &run_id).await?;
    println!("  errors {errors}; mean batch {batch:.1} events per transaction");
    Ok(vec![
        Figure::against(
            format!("closed-loop commands/s, {} clients", args.clients),
            rate,
            "1/s",
            CEILING_NAME,
            ceiling,
        ),
        Figure::alone("closed-loop p50", latencies.percentile_ms(50.0), "ms"),
        Figure::alone("closed-loop p99", latencies.percentile_ms(99.0), "ms"),
        Figure::alone("closed-loop p99.9", latencies.percentile_ms(99.9), "ms"),
    ])
}

/// A command API started in-process by a benchmark; dropping `stop` ends it.
pub struct RunningApi {
    pub url: String,
    pub stop: tokio::sync::oneshot::Sender<()>,
}

/// Starts a command API on a free port for topics under `topic_prefix` and
/// waits until it is ready.
pub async fn start_command_api(args: &Args, topic_prefix: &str) -> anyhow::Result<RunningApi> {
    let config = command_api::Config {
        addr: "127.0.0.1:0".parse()?,
        advertised_url: None,
        kafka: platform::config::KafkaSettings {
            brokers: args.brokers.clone(),
            topic_prefix: topic_prefix.to_owned(),
            partitions: args.partitions,
        },
        group_id: format!("{topic_prefix}command-api"),
        session_timeout: Duration::from_secs(6),
        transaction_timeout: Duration::from_secs(10),
        batch_max: 512,
        command_timeout: Duration::from_secs(15),
        max_body_bytes: 65_536,
        replication: 1,
        key_retention: Some(command_api::Config::DEFAULT_KEY_RETENTION),
        // Each run its own store: a bench measures a first restore, not a resumed one.
        state_dir: std::env::temp_dir()
            .join("bench-command-state")
            .join(topic_prefix.trim_end_matches('.')),
        state_cache_streams: command_api::Config::DEFAULT_STATE_CACHE_STREAMS,
        standby_replicas: 0,
        schema_registry_url: None,
        auth: crate::auth::settings(),
        http: platform::config::HttpSettings::without_rate_limits(),
    };
    let application = command_api::Application::build(config).await?;
    let url = application.url().to_owned();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(application.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .default_headers(crate::auth::headers())
        .build()?;
    for _ in 0..600 {
        if client
            .get(format!("{url}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok(RunningApi { url, stop });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the command API did not become ready")
}

async fn create_tasks(
    client: &reqwest::Client,
    url: &str,
    count: usize,
    concurrency: usize,
) -> anyhow::Result<Vec<uuid::Uuid>> {
    use futures::StreamExt;
    let created: Vec<anyhow::Result<uuid::Uuid>> = futures::stream::iter(0..count)
        .map(|i| async move {
            let response = client
                .post(format!("{url}/v1/tasks"))
                .json(&json!({ "title": format!("bench {i}") }))
                .send()
                .await?;
            let body: serde_json::Value = response.error_for_status()?.json().await?;
            Ok(body["task_id"].as_str().unwrap_or_default().parse()?)
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    created.into_iter().collect()
}

/// The mean number of events per transaction, from the API's own metrics.
async fn batch_size(client: &reqwest::Client, url: &str) -> Option<f64> {
    let metrics = client
        .get(format!("{url}/metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    let value = |name: &str| {
        metrics
            .lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.rsplit(' ').next())
            .and_then(|v| v.parse::<f64>().ok())
    };
    Some(
        value("command_api_transaction_batch_size_sum")?
            / value("command_api_transaction_batch_size_count")?,
    )
}
