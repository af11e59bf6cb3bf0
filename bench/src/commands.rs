//! The command API under load: N clients, each sending one command at a time
//! (a mix of renames, tag changes and priority changes on random tasks).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::args::Args;
use crate::latency::Latencies;
use crate::raw_produce;

const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];

pub async fn run(args: &Args) -> anyhow::Result<()> {
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
        .pool_max_idle_per_host(args.clients)
        .build()?;

    println!("creating {} tasks through {url} ...", args.tasks);
    let tasks = create_tasks(&client, &url, args.tasks, args.clients).await?;

    println!(
        "driving {} clients for {:?} ...",
        args.clients, args.duration
    );
    let started = Instant::now();
    let deadline = started + args.duration;
    let tasks = Arc::new(tasks);
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

    println!(
        "raw transactional produce, {} partitions, batches of {:.0} ...",
        args.partitions,
        batch.round().max(1.0)
    );
    let raw = raw_produce::records_per_second(
        &args.brokers,
        &format!("bench-{run_id}.raw"),
        args.partitions,
        batch.round().max(1.0) as usize,
        Duration::from_secs(10),
    )
    .await?;

    println!();
    println!("command API, {} clients, {:.1} s", args.clients, elapsed);
    println!("  commands/s         {rate:>10.0}");
    println!("  errors             {errors:>10}");
    println!(
        "  latency p50        {:>10.2} ms",
        latencies.percentile_ms(50.0)
    );
    println!(
        "  latency p99        {:>10.2} ms",
        latencies.percentile_ms(99.0)
    );
    println!(
        "  latency p999       {:>10.2} ms",
        latencies.percentile_ms(99.9)
    );
    println!("  mean batch size    {batch:>10.1} events per transaction");
    println!("raw rdkafka transactional produce");
    println!("  records/s          {raw:>10.0}");
    println!("  API / raw          {:>10.2}", rate / raw);
    if let Some(server) = server {
        let _ = server.stop.send(());
    }
    Ok(())
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
