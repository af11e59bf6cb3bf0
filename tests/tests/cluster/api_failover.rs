use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use serde_json::json;
use tests::TestEnv;
use tests::command_api::{ChildProcess, Client, wait_ready_within};
use tests::kafka::{end_offsets, read_from};
use uuid::Uuid;

use crate::history::{EVENTS_PER_TASK, configured_events, prefill};
use crate::ledger::{check_log, reconcile};
use crate::load::{Kind, Load, Outcome, Targets, by_instance, summary, tally};
use crate::nodes::Cluster;

const SESSION_TIMEOUT_MS: u64 = 3000;
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);
const CLIENTS: usize = 12;

/// Two command API processes on the cluster share a topic with a long
/// history (`CLUSTER_HISTORY_EVENTS`, default 1,000,000 events); one is
/// killed with SIGKILL under load. Measures how long until every partition
/// accepts commands on the survivor, then checks the log as the broker
/// faults do (the time is printed, not asserted).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs scripts/cluster.sh; run scripts/test.sh --cluster"]
async fn killed_instance_with_long_history_fails_over_losing_nothing() {
    let cluster = Cluster::from_env();
    let mut env = TestEnv::new();
    env.brokers = cluster.brokers.clone();
    let topic = env.tasks_topic();
    platform::kafka::ensure_topic(&env.brokers, &topic, env.partitions, 3)
        .await
        .expect("events topic");

    let wanted = configured_events();
    let started = Instant::now();
    let history = prefill(&env.brokers, &topic, env.partitions, wanted).await;
    println!(
        "failover: pre-filled {} events ({} per task) in {:.1} s",
        history.events,
        EVENTS_PER_TASK,
        started.elapsed().as_secs_f64()
    );
    let history_ends = tokio::task::block_in_place(|| end_offsets(&env.brokers, &topic));

    let executable = env!("CARGO_BIN_EXE_test-command-api");
    let session = SESSION_TIMEOUT_MS.to_string();
    // Each instance keeps a warm copy of the other's partitions, so the
    // survivor's takeover reads only the snapshots written since.
    let standby = standby_replicas().to_string();
    let settings = [
        ("EVENTS_TOPIC_REPLICATION", "3"),
        ("KAFKA_SESSION_TIMEOUT_MS", session.as_str()),
        ("COMMAND_STANDBY_REPLICAS", standby.as_str()),
    ];
    let started = Instant::now();
    let mut first = ChildProcess::start_with_env(&env, executable, &settings).await;
    wait_ready_within(&first.url, Duration::from_secs(600)).await;
    let first_ready = started.elapsed();
    let started = Instant::now();
    let second = ChildProcess::start_with_env(&env, executable, &settings).await;
    wait_ready_within(&second.url, Duration::from_secs(600)).await;
    println!(
        "failover: first instance ready after {:.1} s, second after {:.1} s more",
        first_ready.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );

    let seeds: Vec<Uuid> = history.samples.values().flatten().copied().collect();
    let targets = Targets::new(&[first.url.clone(), second.url.clone()]);
    let run = format!("{}failover", env.topic_prefix);
    let load = Load::start(&run, &targets, CLIENTS, &seeds);
    tokio::time::sleep(Duration::from_secs(5)).await;

    targets.remove(&first.url);
    let killed_at = Instant::now();
    first.kill();
    let probes: Vec<_> = history
        .samples
        .iter()
        .map(|(&partition, streams)| {
            let survivor = Client::new(&second.url);
            let task = streams[0];
            let run = run.clone();
            tokio::spawn(probe(survivor, run, partition, task, killed_at))
        })
        .collect();
    let mut accepting = BTreeMap::new();
    let mut outcomes: Vec<Outcome> = Vec::new();
    for probe in probes {
        let (partition, after, probe_outcomes) = probe.await.expect("probe");
        accepting.insert(partition, after);
        outcomes.extend(probe_outcomes);
    }
    let slowest = accepting.values().max().copied().unwrap_or_default();
    println!(
        "failover: {} events of history, partitions accepting after {:.2} s (session timeout {SESSION_TIMEOUT_MS} ms, COMMAND_STANDBY_REPLICAS {standby})",
        history.events,
        slowest.as_secs_f64()
    );
    println!(
        "failover: per partition (s): {:?}",
        accepting
            .iter()
            .map(|(p, after)| (*p, (after.as_secs_f64() * 100.0).round() / 100.0))
            .collect::<Vec<_>>()
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    let pause = load.longest_pause(killed_at, Instant::now());
    outcomes.extend(load.stop().await);
    println!(
        "failover: {}; longest pause in acknowledgements {:.2} s",
        summary(&outcomes),
        pause.as_secs_f64()
    );
    println!(
        "failover: final outcomes (kind, with key, status, error) -> count: {:?}",
        tally(&outcomes)
    );
    println!(
        "failover: per instance (sent, acknowledged): {:?}",
        by_instance(&outcomes)
    );

    // Only what was written after the history is read back; a history
    // stream's new events continue at version EVENTS_PER_TASK + 1.
    let seeded: HashSet<Uuid> = seeds.iter().copied().collect();
    let records = tokio::task::block_in_place(|| read_from(&env.brokers, &topic, &history_ends));
    let ledger = check_log(&records, |stream| {
        if seeded.contains(&stream) {
            EVENTS_PER_TASK
        } else {
            0
        }
    });
    let reconciled = reconcile(&ledger, &outcomes);
    println!(
        "failover: {} events written under load on {} streams, versions contiguous; {} acknowledged commands each exactly once; {} unanswered (no answer or 5xx) written once, {} not acknowledged and not written",
        ledger.events,
        ledger.streams,
        reconciled.acknowledged,
        reconciled.unanswered_but_written,
        reconciled.unanswered_not_written
    );
    assert!(
        reconciled.acknowledged > 0,
        "the load was acknowledged at all"
    );
    drop(second);
}

/// `CLUSTER_STANDBY_REPLICAS` (default 1): the instances' `COMMAND_STANDBY_REPLICAS`;
/// 0 measures a takeover that reads the whole state partition.
fn standby_replicas() -> usize {
    platform::env_parse("CLUSTER_STANDBY_REPLICAS", "1")
        .expect("CLUSTER_STANDBY_REPLICAS is a number")
}

/// Renames `task` through the survivor until one is answered with 2xx;
/// returns the time from the kill to that answer and what was sent.
async fn probe(
    survivor: Client,
    run: String,
    partition: i32,
    task: Uuid,
    killed_at: Instant,
) -> (i32, Duration, Vec<Outcome>) {
    let mut outcomes = Vec::new();
    for attempt in 0.. {
        let marker = format!("{run}-probe-p{partition}-{attempt}");
        let reply = tokio::time::timeout(
            PROBE_TIMEOUT,
            survivor.command(task, "rename", Some(json!({ "title": marker })), &[]),
        )
        .await;
        let (status, version) = match &reply {
            Ok(reply) if (200..300).contains(&reply.status) => {
                (reply.status, Some(reply.version()))
            }
            Ok(reply) => (reply.status, None),
            Err(_) => (0, None),
        };
        outcomes.push(Outcome {
            marker,
            kind: Kind::Rename,
            task,
            idempotent: false,
            attempts: 1,
            acknowledged: version,
            last_status: status,
            last_error: match &reply {
                Ok(reply) => reply.error_code().to_owned(),
                Err(_) => "no answer".into(),
            },
            last_url: survivor.url.clone(),
        });
        if version.is_some() {
            return (partition, killed_at.elapsed(), outcomes);
        }
        assert!(
            killed_at.elapsed() < Duration::from_secs(180),
            "partition {partition} accepts no command on the survivor 180 s after the kill"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    unreachable!()
}
