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

struct ReadSide {
    prefix: String,
    database: String,
    query_url: String,
    stops: Vec<tokio::sync::oneshot::Sender<()>>,
}

impl ReadSide {
    async fn start(args: &Args) -> anyhow::Result<Self> {
        let id = Uuid::new_v4().simple().to_string()[..12].to_owned();
        let prefix = format!("bench-{id}.");
        let database = create_database(&format!("bench_{id}")).await?;
        let database_url = database.clone();
        platform::kafka::ensure_topic(&args.brokers, &format!("{prefix}tasks"), args.partitions, 1)
            .await?;
        let kafka = platform::config::KafkaSettings {
            brokers: args.brokers.clone(),
            topic_prefix: prefix.clone(),
            partitions: args.partitions,
        };
        let projector = projector::Application::build(projector::Config {
            addr: "127.0.0.1:0".parse()?,
            database_url: database.clone(),
            kafka: kafka.clone(),
            group_prefix: prefix.clone(),
            projections: None,
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
        .await?;
        let query = query_api::Application::build(query_api::Config {
            addr: "127.0.0.1:0".parse()?,
            database_url: database,
            topics: query_api::topics::EventTopics::with_prefix(&kafka.topic_prefix),
            brokers: kafka.brokers.clone(),
            db_max_connections: 16,
            workers: 2,
            consistency: query_api::config::ConsistencySettings::default(),
            auth: crate::auth::settings(),
            http: platform::config::HttpSettings::without_rate_limits(),
        })
        .await?;
        let query_url = format!("http://127.0.0.1:{}", query.port());
        let mut stops = Vec::new();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(projector.run_until_stopped(async {
            let _ = stopped.await;
        }));
        stops.push(stop);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(query.run_until_stopped(async {
            let _ = stopped.await;
        }));
        stops.push(stop);
        Ok(Self {
            prefix,
            database: database_url,
            query_url,
            stops,
        })
    }

    async fn stop(self) {
        for stop in self.stops {
            let _ = stop.send(());
        }
        drop_database(&self.database).await;
    }
}

pub async fn query_gets(args: &Args) -> anyhow::Result<()> {
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
    read_side.stop().await;
    Ok(())
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

pub async fn freshness(args: &Args) -> anyhow::Result<()> {
    let read_side = ReadSide::start(args).await?;
    let commands = crate::commands::start_command_api(args, &read_side.prefix).await?;
    let command_url = commands.url.clone();
    let client = reqwest::Client::builder()
        .default_headers(crate::auth::headers())
        .pool_max_idle_per_host(256)
        .build()?;

    println!("{} commands/s for {:?} ...", args.rate, args.duration);
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / args.rate.max(1) as f64));
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
    Ok(())
}
