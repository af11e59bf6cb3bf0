//! The query API under load, fed by a projector, both in-process on a fresh
//! topic and database:
//!
//! `cargo run --release -p bench -- query-gets [--clients 64] [--seconds 20] [--tasks 10000]`
//! prints `GET /v1/tasks/{id}` requests/s and latency percentiles;
//!
//! `cargo run --release -p bench -- freshness [--rate 1000] [--seconds 20]`
//! adds a command API and, at the given command rate, measures the time from a
//! command's acknowledgement to its effect being visible through the query API
//! (a read with the command's position token, answered `X-Consistency: consistent`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use uuid::Uuid;

use crate::args::Args;
use crate::catch_up::{create_database, drop_database};
use crate::latency::Latencies;
use crate::report::Figure;

struct ReadSide {
    prefix: String,
    database: String,
    query_url: String,
    stops: Vec<tokio::sync::oneshot::Sender<()>>,
}

/// A projector of every projection on `prefix`'s topics, started in-process;
/// sending on the returned channel stops it.
pub async fn start_projector(
    args: &Args,
    prefix: &str,
    database: &str,
) -> anyhow::Result<tokio::sync::oneshot::Sender<()>> {
    platform::kafka::ensure_topic(&args.brokers, &format!("{prefix}tasks"), args.partitions, 1)
        .await?;
    let projector =
        projector::Application::build(projector_config(args, prefix, database, None)?).await?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(projector.run_until_stopped(async {
        let _ = stopped.await;
    }));
    Ok(stop)
}

/// A query API over `database` and `prefix`'s topics, started in-process:
/// its URL, and the channel that stops it.
pub async fn start_query_api(
    args: &Args,
    prefix: &str,
    database: &str,
) -> anyhow::Result<(String, tokio::sync::oneshot::Sender<()>)> {
    let query = query_api::Application::build(query_api::Config {
        addr: "127.0.0.1:0".parse()?,
        database_url: database.to_owned(),
        topics: query_api::topics::EventTopics::with_prefix(prefix),
        brokers: args.brokers.clone(),
        db_max_connections: QUERY_API_CONNECTIONS,
        workers: 2,
        consistency: query_api::config::ConsistencySettings::default(),
        auth: crate::auth::settings(),
        http: platform::config::HttpSettings::without_rate_limits(),
    })
    .await?;
    let query_url = format!("http://127.0.0.1:{}", query.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(query.run_until_stopped(async {
        let _ = stopped.await;
    }));
    Ok((query_url, stop))
}

/// The projector the benchmarks run: `projections` (all when `None`) on
/// `prefix`'s topics and `database`.
pub fn projector_config(
    args: &Args,
    prefix: &str,
    database: &str,
    projections: Option<Vec<String>>,
) -> anyhow::Result<projector::Config> {
    Ok(projector::Config {
        addr: "127.0.0.1:0".parse()?,
        database_url: database.to_owned(),
        kafka: kafka_settings(args, prefix),
        group_prefix: prefix.to_owned(),
        projections,
        process_managers: projector::process::ProcessManagerSettings::for_command_api(
            "http://127.0.0.1:8081",
        ),
        batch: projector::config::BatchSettings::default(),
        session_timeout: Duration::from_secs(6),
        db_max_connections: 4,
        replication: 1,
        switch_max_lag: 1000,
        auth: crate::auth::settings(),
        http: platform::config::HttpSettings::without_rate_limits(),
    })
}

fn kafka_settings(args: &Args, prefix: &str) -> platform::config::KafkaSettings {
    platform::config::KafkaSettings {
        brokers: args.brokers.clone(),
        topic_prefix: prefix.to_owned(),
        partitions: args.partitions,
    }
}

impl ReadSide {
    async fn start(args: &Args) -> anyhow::Result<Self> {
        let id = Uuid::new_v4().simple().to_string()[..12].to_owned();
        let prefix = format!("bench-{id}.");
        let database = create_database(&format!("bench_{id}")).await?;
        let projector = start_projector(args, &prefix, &database).await?;
        let (query_url, query) = start_query_api(args, &prefix, &database).await?;
        Ok(Self {
            prefix,
            database,
            query_url,
            stops: vec![projector, query],
        })
    }

    async fn stop(self) {
        for stop in self.stops {
            let _ = stop.send(());
        }
        drop_database(&self.database).await;
    }
}

pub async fn query_gets(args: &Args) -> anyhow::Result<Vec<Figure>> {
    let read_side = ReadSide::start(args).await?;
    let topic = format!("{}tasks", read_side.prefix);
    let tasks = args.tasks.max(1);
    println!("projecting {tasks} tasks ...");
    let ids = prefill_tasks(&args.brokers, &topic, tasks).await?;
    let client = reqwest::Client::builder()
        .default_headers(crate::auth::headers())
        .pool_max_idle_per_host(args.clients)
        .build()?;
    // The last task created is visible once the projection has caught up (tenant of task i is i % 8).
    let last = ids.last().copied().unwrap();
    // Task i belongs to tenant i % 8, and only that tenant's token reads it.
    let tokens: Arc<Vec<String>> = Arc::new(
        (0..8)
            .map(|tenant| crate::auth::bearer(&format!("tenant-{tenant}")))
            .collect(),
    );
    loop {
        let response = client
            .get(format!("{}/v1/tasks/{last}", read_side.query_url))
            .header(reqwest::header::AUTHORIZATION, &tokens[(ids.len() - 1) % 8])
            .send()
            .await?;
        if response.status().is_success() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    println!(
        "driving {} clients for {:?} ...",
        args.clients, args.duration
    );
    let ids = Arc::new(ids);
    let started = Instant::now();
    let deadline = started + args.duration;
    let workers: Vec<_> = (0..args.clients)
        .map(|worker| {
            let (client, ids, url) = (client.clone(), ids.clone(), read_side.query_url.clone());
            let tokens = tokens.clone();
            tokio::spawn(async move {
                let mut latencies = Latencies::default();
                let mut errors = 0u64;
                let mut n = worker as u64 + 1;
                while Instant::now() < deadline {
                    n = n
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let i = (n >> 33) as usize % ids.len();
                    let sent = Instant::now();
                    let response = client
                        .get(format!("{url}/v1/tasks/{}", ids[i]))
                        .header(reqwest::header::AUTHORIZATION, &tokens[i % 8])
                        .send()
                        .await;
                    match response {
                        Ok(response) if response.status().is_success() => {
                            let _ = response.bytes().await;
                            latencies.record(sent.elapsed());
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
    let rate = latencies.len() as f64 / started.elapsed().as_secs_f64();
    println!(
        "GET /v1/tasks/{{id}}: {rate:.0} requests/s with {} clients; p50 {:.2} ms, p99 {:.2} ms; {errors} errors",
        args.clients,
        latencies.percentile_ms(50.0),
        latencies.percentile_ms(99.0)
    );
    println!(
        "ceiling: prepared primary-key SELECTs on {QUERY_API_CONNECTIONS} connections for {:?} ...",
        args.duration
    );
    let ceiling = primary_key_selects(&read_side.database, &ids, args.duration).await?;
    println!("  {ceiling:.0} selects/s");
    read_side.stop().await;
    Ok(vec![
        Figure::against(
            format!("GET /v1/tasks/{{id}}/s, {} clients", args.clients),
            rate,
            "1/s",
            format!("prepared PK SELECT loop, {QUERY_API_CONNECTIONS} connections"),
            ceiling,
        ),
        Figure::alone("GET by id p50", latencies.percentile_ms(50.0), "ms"),
        Figure::alone("GET by id p99", latencies.percentile_ms(99.0), "ms"),
    ])
}

/// The query API's pool size in these benchmarks, and so the ceiling's.
const QUERY_API_CONNECTIONS: u32 = 16;

/// The ceiling of `GET /v1/tasks/{id}`: each of the query API's number of
/// connections selecting random tasks by primary key in a loop, with a
/// prepared statement (sqlx prepares and caches it per connection), for
/// `duration`. Returns selects/s.
async fn primary_key_selects(
    database: &str,
    ids: &[Uuid],
    duration: Duration,
) -> anyhow::Result<f64> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(QUERY_API_CONNECTIONS)
        .connect(database)
        .await?;
    let ids: Arc<Vec<Uuid>> = Arc::new(ids.to_vec());
    let deadline = Instant::now() + duration;
    let loops: Vec<_> = (0..QUERY_API_CONNECTIONS)
        .map(|connection| {
            let (pool, ids) = (pool.clone(), ids.clone());
            tokio::spawn(async move {
                let mut connection_handle = pool.acquire().await?;
                let mut n = u64::from(connection) + 1;
                let mut selects = 0u64;
                while Instant::now() < deadline {
                    n = n
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let id = ids[(n >> 33) as usize % ids.len()];
                    sqlx::query("SELECT * FROM tasks_v1 WHERE task_id = $1")
                        .bind(id)
                        .fetch_optional(&mut *connection_handle)
                        .await?;
                    selects += 1;
                }
                anyhow::Ok(selects)
            })
        })
        .collect();
    let mut total = 0;
    for selects in loops {
        total += selects.await??;
    }
    pool.close().await;
    Ok(total as f64 / duration.as_secs_f64())
}

/// Writes `tasks` TaskCreated events straight into the topic; returns their ids.
async fn prefill_tasks(brokers: &str, topic: &str, tasks: usize) -> anyhow::Result<Vec<Uuid>> {
    use events::task::{Priority, Task, TaskCreated, TaskEvent};
    use events::{Aggregate, CommandMetadata, Envelope};
    use rdkafka::producer::{FutureProducer, FutureRecord};
    let producer: FutureProducer = platform::kafka::client_config(brokers)
        .set("enable.idempotence", "true")
        .set("linger.ms", "20")
        .create()?;
    let mut ids = Vec::with_capacity(tasks);
    let mut deliveries = Vec::with_capacity(tasks);
    for i in 0..tasks {
        let id = Uuid::now_v7();
        let event = TaskEvent::Created(TaskCreated {
            title: format!("read benchmark {i}"),
            description: None,
            priority: Priority::Normal,
            due_date: None,
            assignee: None,
            tags: vec![],
            project_id: None,
        });
        let meta = CommandMetadata {
            command_id: id.to_string(),
            correlation_id: "bench".into(),
            causation_id: "bench".into(),
            actor: "bench".into(),
            tenant_id: format!("tenant-{}", i % 8),
        };
        let payload = Envelope::new(&event, Task::STREAM_TYPE, id, 1, &meta, chrono::Utc::now())
            .to_json_bytes();
        let key = id.to_string();
        deliveries.push(
            producer
                .send_result(FutureRecord::to(topic).key(&key).payload(&payload))
                .map_err(|(e, _)| e)?,
        );
        ids.push(id);
    }
    for delivery in deliveries {
        delivery.await?.map_err(|(error, _)| error)?;
    }
    Ok(ids)
}

/// `freshness`: at `--rate`, or with `--max-rate M` at 25%, 50% and 75% of
/// M (the rate `commands --open-loop` found; `bench all` passes it).
pub async fn freshness(args: &Args) -> anyhow::Result<Vec<Figure>> {
    let rates: Vec<(String, f64)> = match args.max_rate {
        Some(max) => [25, 50, 75]
            .iter()
            .map(|share| {
                (
                    format!("{share}% of the maximum"),
                    max as f64 * *share as f64 / 100.0,
                )
            })
            .collect(),
        None => vec![(format!("{} commands/s", args.rate), args.rate as f64)],
    };
    let mut figures = Vec::new();
    for (name, rate) in rates {
        let latencies = freshness_at(args, rate.max(1.0)).await?;
        figures.push(Figure::alone(
            format!("freshness p99 at {name} ({rate:.0}/s)"),
            latencies.percentile_ms(99.0),
            "ms",
        ));
    }
    Ok(figures)
}

/// From a command's acknowledgement to its effect being visible through the
/// query API, at `rate` commands/s for `--seconds`, on a fresh read side.
async fn freshness_at(args: &Args, rate: f64) -> anyhow::Result<Latencies> {
    let read_side = ReadSide::start(args).await?;
    let commands = crate::commands::start_command_api(args, &read_side.prefix).await?;
    let command_url = commands.url.clone();
    let client = reqwest::Client::builder()
        .default_headers(crate::auth::headers())
        .pool_max_idle_per_host(256)
        .build()?;

    println!("{rate:.0} commands/s for {:?} ...", args.duration);
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let started = Instant::now();
    let mut probes = Vec::new();
    let mut n = 0u64;
    while started.elapsed() < args.duration {
        ticks.tick().await;
        n += 1;
        let (client, command_url, query_url) = (
            client.clone(),
            command_url.clone(),
            read_side.query_url.clone(),
        );
        probes.push(tokio::spawn(async move {
            let reply = client
                .post(format!("{command_url}/v1/tasks"))
                .json(&json!({ "title": format!("fresh {n}") }))
                .send()
                .await
                .ok()?;
            if !reply.status().is_success() {
                return None;
            }
            let acknowledged = Instant::now();
            let body: serde_json::Value = reply.json().await.ok()?;
            let (task, position) = (
                body["task_id"].as_str()?.to_owned(),
                body["position"].as_str()?.to_owned(),
            );
            let read = client
                .get(format!("{query_url}/v1/tasks/{task}"))
                .header("X-Consistency-Token", position)
                .header("X-Consistency-Timeout-Ms", "10000")
                .send()
                .await
                .ok()?;
            let consistent = read
                .headers()
                .get("x-consistency")
                .is_some_and(|v| v == "consistent");
            (read.status().is_success() && consistent).then(|| acknowledged.elapsed())
        }));
    }
    let sent = probes.len();
    let mut latencies = Latencies::default();
    for probe in probes {
        if let Some(elapsed) = probe.await? {
            latencies.record(elapsed);
        }
    }
    let achieved = sent as f64 / args.duration.as_secs_f64();
    println!(
        "freshness at {achieved:.0} commands/s: ack -> visible p50 {:.1} ms, p99 {:.1} ms ({} of {sent} visible and consistent)",
        latencies.percentile_ms(50.0),
        latencies.percentile_ms(99.0),
        latencies.len()
    );
    let _ = commands.stop.send(());
    read_side.stop().await;
    Ok(latencies)
}
