use std::time::{Duration, Instant};

use tests::TestEnv;
use tests::command_api::InProcess;
use tests::kafka::read_all;
use tests::read_side::database::{TestDatabase, caught_up};
use tests::read_side::eventually;
use tests::read_side::model::{actual, assert_same, end_offsets, expected};
use tests::read_side::services::{self, PROJECTION};

use crate::ledger::{check_log, reconcile};
use crate::load::{Load, Targets, by_instance, summary, tally};
use crate::nodes::Cluster;

/// How long the load runs on a degraded cluster before the node comes back.
/// Longer than the brokers' session timeout (broker.session.timeout.ms, 9 s),
/// after which the controller moves a dead broker's leaderships.
const DEGRADED: Duration = Duration::from_secs(20);
const SETTLE: Duration = Duration::from_secs(3);
const CLIENTS: usize = 16;

/// Two command API instances and the projector on the 3-node cluster, under
/// load: kill -9 the broker that leads most partitions of the events topic,
/// restart it, then kill -9 the active KRaft controller and restart it.
/// Nothing acknowledged is lost or doubled, versions stay contiguous, and
/// the read model equals a fold of the log read back read_committed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs scripts/cluster.sh; run scripts/test.sh --cluster"]
async fn killed_leader_and_controller_lose_and_double_nothing() {
    let cluster = Cluster::from_env();
    let mut env = TestEnv::new();
    env.brokers = cluster.brokers.clone();
    let topic = env.tasks_topic();
    let state_topic = platform::kafka::state_topic_of(&topic);
    let database = TestDatabase::create().await;

    let mut api_config = tests::command_api::config(&env);
    api_config.replication = 3;
    let first = InProcess::start_with(api_config.clone()).await;
    let second = InProcess::start_with(api_config).await;
    let mut projector_config = services::projector_config(&env, &database);
    projector_config.replication = 3;
    let projector = services::InProcess::projector(projector_config).await;

    let targets = Targets::new(&[first.url.clone(), second.url.clone()]);
    let run = format!("{}brokers", env.topic_prefix);
    let started = Instant::now();
    let load = Load::start(&run, &targets, CLIENTS, &[]);
    tokio::time::sleep(Duration::from_secs(8)).await;
    println!(
        "cluster: {CLIENTS} clients, {} commands acknowledged in the first 8 s",
        load.acknowledged()
    );

    // The leader of the busiest partitions.
    let (leader, led) = tokio::task::block_in_place(|| cluster.busiest_leader(&topic));
    let before = load.acknowledged();
    let killed_at = Instant::now();
    tokio::task::block_in_place(|| cluster.kill_node(leader));
    println!("cluster: kill -9 broker {leader}, leader of partitions {led:?} of {topic}");
    tokio::time::sleep(DEGRADED).await;
    let during = load.acknowledged() - before;
    let restarted_at = Instant::now();
    let caught_up_in = tokio::task::block_in_place(|| {
        cluster.start_node(leader);
        cluster.wait_fully_replicated(
            &[topic.as_str(), state_topic.as_str()],
            Duration::from_secs(120),
        )
    });
    println!(
        "cluster: broker {leader} down {:.1} s: {during} commands acknowledged meanwhile, longest pause in acknowledgements {:.2} s; restarted and answering after {:.1} s, all replicas in sync {:.1} s later",
        (restarted_at - killed_at).as_secs_f64(),
        load.longest_pause(killed_at, restarted_at).as_secs_f64(),
        (restarted_at.elapsed() - caught_up_in).as_secs_f64(),
        caught_up_in.as_secs_f64(),
    );
    tokio::time::sleep(SETTLE).await;

    let controller = tokio::task::block_in_place(|| cluster.active_controller());
    let before = load.acknowledged();
    let killed_at = Instant::now();
    tokio::task::block_in_place(|| cluster.kill_node(controller));
    println!("cluster: kill -9 node {controller}, the active KRaft controller");
    tokio::time::sleep(DEGRADED).await;
    let new_controller = tokio::task::block_in_place(|| cluster.active_controller());
    let during = load.acknowledged() - before;
    let restarted_at = Instant::now();
    tokio::task::block_in_place(|| {
        cluster.start_node(controller);
        cluster.wait_fully_replicated(
            &[topic.as_str(), state_topic.as_str()],
            Duration::from_secs(120),
        )
    });
    println!(
        "cluster: controller {controller} down {:.1} s (node {new_controller} took over): {during} commands acknowledged meanwhile, longest pause in acknowledgements {:.2} s",
        (restarted_at - killed_at).as_secs_f64(),
        load.longest_pause(killed_at, restarted_at).as_secs_f64(),
    );
    tokio::time::sleep(SETTLE).await;

    let outcomes = load.stop().await;
    let load_seconds = started.elapsed().as_secs_f64();
    println!("cluster: {} in {load_seconds:.0} s", summary(&outcomes));
    println!(
        "cluster: final outcomes (kind, with key, status, error) -> count: {:?}",
        tally(&outcomes)
    );
    println!(
        "cluster: per instance (sent, acknowledged): {:?}",
        by_instance(&outcomes)
    );

    let records = tokio::task::block_in_place(|| read_all(&cluster.brokers, &topic));
    let ledger = check_log(&records, |_| 0);
    let reconciled = reconcile(&ledger, &outcomes);
    println!(
        "cluster: log has {} events on {} streams, versions contiguous; {} acknowledged commands each exactly once; {} unanswered (no answer or 5xx) written once, {} not acknowledged and not written",
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

    let pool = database.pool().await;
    let ends = end_offsets(&records);
    let projected_at = Instant::now();
    eventually(Duration::from_secs(120), "the projector catches up", || {
        caught_up(&pool, PROJECTION, &topic, &ends)
    })
    .await;
    assert_same(&actual(&pool).await, &expected(&records));
    println!(
        "cluster: the read model ({} tasks) equals the fold of the log (projector caught up {:.1} s after the load)",
        expected(&records).tasks.len(),
        projected_at.elapsed().as_secs_f64()
    );

    projector.stop().await;
    first.stop().await;
    second.stop().await;
    pool.close().await;
    database.drop_database().await;
}
