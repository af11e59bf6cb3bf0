use std::time::{Duration, Instant};

use serde_json::json;
use tests::TestEnv;
use tests::command_api::{Client, InProcess};

use crate::nodes::Cluster;

/// Restarts a killed node however the test ends, so that the next test
/// finds three.
struct NodeDown<'a> {
    cluster: &'a Cluster,
    node: i32,
}

impl Drop for NodeDown<'_> {
    fn drop(&mut self) {
        tokio::task::block_in_place(|| self.cluster.start_node(self.node));
    }
}

/// A command API that starts while one of the three brokers is down (its
/// partitions led by the other two) restores every partition and serves:
/// two in-sync replicas are all a write needs, so one node down must not
/// stop a takeover. The restore's consumer is new and its
/// `bootstrap.servers` still names the dead broker, whose refused
/// connections librdkafka reports as error events.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs scripts/cluster.sh; run scripts/test.sh --cluster"]
async fn takeover_with_a_broker_down_restores_every_partition() {
    let cluster = Cluster::from_env();
    let mut env = TestEnv::new();
    env.brokers = cluster.brokers.clone();
    let topic = env.tasks_topic();
    let mut config = tests::command_api::config(&env);
    config.replication = 3;
    config.command_timeout = Duration::from_secs(10);

    // All three up: the topics get their three replicas, and some history.
    let first = InProcess::start_with(config.clone()).await;
    let client = Client::new(&first.url);
    let mut tasks = Vec::new();
    for i in 0..24 {
        tasks.push(client.create_task(&format!("before the fault {i}")).await);
    }
    first.stop().await;

    let (node, led) = tokio::task::block_in_place(|| cluster.busiest_leader(&topic));
    tokio::task::block_in_place(|| cluster.kill_node(node));
    let _restart = NodeDown {
        cluster: &cluster,
        node,
    };
    // Until the controller moves the dead broker's leaderships (its session
    // timeout), its partitions cannot be written by anyone.
    let moved = Instant::now();
    loop {
        let partitions = tokio::task::block_in_place(|| cluster.partitions(&topic));
        if partitions
            .values()
            .all(|p| p.leader >= 0 && p.leader != node)
        {
            break;
        }
        assert!(
            moved.elapsed() < Duration::from_secs(60),
            "leaders did not move: {partitions:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    println!(
        "restore: node {node} (leader of {led:?}) killed; leaders moved after {:.1} s",
        moved.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let application = command_api::Application::build(config)
        .await
        .expect("command API starts with one broker down");
    let url = application.url().to_owned();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(application.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let client = Client::new(&url);
    let mut accepted = 0;
    for task in &tasks {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let reply = client
                .command(
                    *task,
                    "rename",
                    Some(json!({ "title": "with a broker down" })),
                    &[],
                )
                .await;
            if reply.status == 200 {
                accepted += 1;
                break;
            }
            assert!(
                Instant::now() < deadline,
                "task {task} accepts no command 60 s after a start with node {node} down (accepted so far: {accepted} of {}): {reply:?}",
                tasks.len()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    println!(
        "restore: with node {node} down, a fresh instance accepted commands on all {} tasks after {:.1} s",
        tasks.len(),
        started.elapsed().as_secs_f64()
    );
    let _ = stop.send(());
    let _ = running.await;
}
