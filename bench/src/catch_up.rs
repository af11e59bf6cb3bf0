//! `cargo run --release -p bench -- catch-up [--events 1000000] [--partitions 6]`
//!
//! Projector catch-up: pre-fills a fresh topic with task events, starts a
//! projector in-process on a fresh database and times how fast it works the
//! backlog off (events/s, from start-up to the last checkpoint). Then, in the
//! same run, the ceiling: PostgreSQL `COPY` of as many equivalent rows (one
//! per event, the history row's columns) into an unindexed table, and the ratio.

use std::time::{Duration, Instant};

use chrono::Utc;
use events::task::{Priority, Task, TaskCreated, TaskEvent};
use events::{Aggregate, CommandMetadata, Envelope};
use rdkafka::producer::{FutureProducer, FutureRecord};
use sqlx::{Connection, PgConnection, PgPool};
use uuid::Uuid;

use crate::args::Args;
use crate::report::Figure;

pub async fn run(args: &Args) -> anyhow::Result<Vec<Figure>> {
    let id = Uuid::new_v4().simple().to_string()[..12].to_owned();
    let prefix = format!("bench-{id}.");
    let topic = format!("{prefix}tasks");
    let database = create_database(&format!("bench_{id}")).await?;

    println!(
        "pre-filling {topic} with {} events over {} partitions ...",
        args.events, args.partitions
    );
    let started = Instant::now();
    let produced = prefill(&args.brokers, &topic, args.partitions, args.events).await?;
    println!(
        "  produced {produced} events in {:.1}s",
        started.elapsed().as_secs_f64()
    );

    // The figure is the tasks projection's catch-up alone.
    let config =
        crate::read_side::projector_config(args, &prefix, &database, Some(vec!["tasks".into()]))?;
    let pool = platform::postgres::connect(&database, 2).await?;
    let started = Instant::now();
    let application = projector::Application::build(config).await?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(application.run_until_stopped(async {
        let _ = stopped.await;
    }));
    loop {
        let applied: i64 = sqlx::query_scalar(
            "SELECT COALESCE(sum(next_offset), 0)::int8 FROM projection_checkpoints",
        )
        .fetch_one(&pool)
        .await?;
        if applied >= produced as i64 {
            break;
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(1800),
            "catch-up did not finish in 30 minutes"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let catch_up = produced as f64 / started.elapsed().as_secs_f64();
    let _ = stop.send(());
    running.await??;

    let copy = copy_rows_per_second(&pool, produced, Indexes::None).await?;
    let indexed = copy_rows_per_second(&pool, produced, Indexes::AsTheReadModel).await?;
    println!("projector catch-up: {catch_up:.0} events/s ({produced} events, start-up included)");
    println!(
        "PostgreSQL COPY ceiling: {copy:.0} rows/s unindexed, {indexed:.0} rows/s with the history table's indexes"
    );
    pool.close().await;
    drop_database(&database).await;
    Ok(vec![
        Figure::against(
            "projector catch-up events/s (rebuild from offset 0)",
            catch_up,
            "1/s",
            "PostgreSQL COPY, unindexed table",
            copy,
        ),
        Figure::against(
            "projector catch-up events/s (rebuild from offset 0)",
            catch_up,
            "1/s",
            "PostgreSQL COPY, the history table's indexes",
            indexed,
        ),
    ])
}

/// Drops a database `create_database` made (best effort).
pub(crate) async fn drop_database(url: &str) {
    let Some((prefix, name)) = url.rsplit_once('/') else {
        return;
    };
    if let Ok(mut admin) = PgConnection::connect(&format!("{prefix}/postgres")).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .execute(&mut admin)
            .await;
    }
}

pub(crate) async fn create_database(name: &str) -> anyhow::Result<String> {
    let base = platform::config::database_url();
    let prefix = base
        .rsplit_once('/')
        .map_or(base.as_str(), |(prefix, _)| prefix)
        .to_owned();
    let mut admin = PgConnection::connect(&format!("{prefix}/postgres")).await?;
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .await?;
    Ok(format!("{prefix}/{name}"))
}

/// Tasks of ten events each (create, then renames, assignments, priority
/// changes, a completion), written round-robin across tasks.
async fn prefill(
    brokers: &str,
    topic: &str,
    partitions: i32,
    events: usize,
) -> anyhow::Result<usize> {
    platform::kafka::ensure_topic(brokers, topic, partitions, 1).await?;
    let producer: FutureProducer = platform::kafka::client_config(brokers)
        .set("enable.idempotence", "true")
        .set("linger.ms", "20")
        .set("batch.size", "1000000")
        .set("compression.type", "lz4")
        .set("queue.buffering.max.messages", "1000000")
        .create()?;
    const EVENTS_PER_TASK: usize = 10;
    const TASKS_PER_CHUNK: usize = 5_000;
    let mut produced = 0;
    while produced < events {
        let tasks = TASKS_PER_CHUNK.min((events - produced).div_ceil(EVENTS_PER_TASK));
        let ids: Vec<Uuid> = (0..tasks).map(|_| Uuid::now_v7()).collect();
        let mut deliveries = Vec::with_capacity(tasks * EVENTS_PER_TASK);
        for version in 1..=EVENTS_PER_TASK as u64 {
            for (i, id) in ids.iter().enumerate() {
                if produced + deliveries.len() >= events {
                    break;
                }
                let payload = envelope(*id, version, i).to_json_bytes();
                let key = id.to_string();
                let record = FutureRecord::to(topic).key(&key).payload(&payload);
                deliveries.push(producer.send_result(record).map_err(|(error, _)| error)?);
            }
        }
        produced += deliveries.len();
        for delivery in deliveries {
            delivery.await?.map_err(|(error, _)| error)?;
        }
    }
    Ok(produced)
}

fn envelope(task_id: Uuid, version: u64, i: usize) -> Envelope {
    let event = match version {
        1 => TaskEvent::Created(TaskCreated {
            title: format!("benchmark task {i}"),
            description: Some("catch-up".into()),
            priority: Priority::Normal,
            due_date: None,
            assignee: None,
            tags: vec!["bench".into()],
            project_id: None,
        }),
        10 => TaskEvent::Completed,
        v if v % 3 == 0 => TaskEvent::Assigned {
            assignee: format!("user{}", (i + v as usize) % 50),
        },
        v if v % 3 == 1 => TaskEvent::PriorityChanged {
            priority: Priority::ALL[(i + v as usize) % 4],
        },
        v => TaskEvent::Renamed {
            title: format!("benchmark task {i} v{v}"),
        },
    };
    let meta = CommandMetadata {
        command_id: Uuid::now_v7().to_string(),
        correlation_id: "bench".into(),
        causation_id: "bench".into(),
        actor: "bench".into(),
        tenant_id: format!("tenant-{}", i % 8),
    };
    Envelope::new(
        &event,
        Task::STREAM_TYPE,
        task_id,
        version,
        &meta,
        Utc::now(),
    )
}

/// The indexes of a ceiling's table.
#[derive(Clone, Copy)]
enum Indexes {
    None,
    /// The primary key and indexes of `task_history_v1`.
    AsTheReadModel,
}

/// COPY of `rows` rows shaped like `task_history_v1`'s into a fresh logged
/// table, with or without its indexes.
async fn copy_rows_per_second(pool: &PgPool, rows: usize, indexes: Indexes) -> anyhow::Result<f64> {
    let mut connection = pool.acquire().await?;
    let (table, including) = match indexes {
        Indexes::None => ("copy_ceiling", "INCLUDING DEFAULTS"),
        Indexes::AsTheReadModel => ("copy_ceiling_indexed", "INCLUDING ALL"),
    };
    // Logged, as the read models are: UNLOGGED would flatter the ceiling.
    sqlx::query(&format!(
        "CREATE TABLE {table} (LIKE task_history_v1 {including})"
    ))
    .execute(&mut *connection)
    .await?;
    let started = Instant::now();
    let mut copy = connection
        .copy_in_raw(&format!(
            "COPY {table} (event_id, task_id, tenant_id, version, event_type, schema_version, data,
             recorded_schema_version, occurred_at, command_id, correlation_id, causation_id, actor,
             source_partition, source_offset) FROM STDIN"
        ))
        .await?;
    let now = Utc::now().to_rfc3339();
    let mut chunk = String::with_capacity(8 << 20);
    for row in 0..rows {
        let task = Uuid::now_v7();
        chunk.push_str(&format!(
            "{}\t{task}\ttenant-{}\t{}\tTaskRenamed\t1\t{{\"title\": \"benchmark task {row}\"}}\t1\t{now}\t{}\tbench\tbench\tbench\t{}\t{row}\n",
            Uuid::now_v7(),
            row % 8,
            row % 10 + 1,
            Uuid::now_v7(),
            row % 6,
        ));
        if chunk.len() > (8 << 20) - 1024 {
            copy.send(chunk.as_bytes()).await?;
            chunk.clear();
        }
    }
    copy.send(chunk.as_bytes()).await?;
    copy.finish().await?;
    Ok(rows as f64 / started.elapsed().as_secs_f64())
}
