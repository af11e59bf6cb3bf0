use std::time::Duration;

use futures::future::join_all;
use serde_json::json;
use tests::TestEnv;
use tests::command_api::{ChildProcess, Client, wait_ready};
use tests::kafka::{read_all, stream_events};

/// SIGTERM drains: commands in flight are answered, the process exits 0, and
/// what it acknowledged is in the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_answers_commands_in_flight_and_exits_cleanly() {
    let env = TestEnv::new();
    let mut api = ChildProcess::start(&env, env!("CARGO_BIN_EXE_test-command-api")).await;
    wait_ready(&api.url).await;
    let client = Client::new(&api.url);
    let task = client.create_task("draining").await;

    let in_flight: Vec<_> = (0..20)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .command(
                        task,
                        "add-tag",
                        Some(json!({ "tag": format!("t{i}") })),
                        &[],
                    )
                    .await
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(5)).await;
    let status = tokio::task::spawn_blocking(move || {
        let status = api.terminate(Duration::from_secs(20));
        (api, status)
    })
    .await
    .unwrap();
    assert!(
        status.1.is_some_and(|s| s.success()),
        "exits 0 on SIGTERM: {:?}",
        status.1
    );

    let replies = join_all(in_flight).await;
    let acknowledged = replies
        .iter()
        .filter(|r| r.as_ref().is_ok_and(|r| r.status == 200))
        .count();
    let events = stream_events(&read_all(&env.brokers, &env.tasks_topic()), task);
    assert_eq!(
        events.len(),
        1 + acknowledged,
        "every acknowledged command is in the log, nothing else"
    );
    let versions: Vec<u64> = events.iter().map(|e| e.version).collect();
    assert_eq!(versions, (1..=events.len() as u64).collect::<Vec<_>>());
}
