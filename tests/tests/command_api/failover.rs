use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::json;
use tests::TestEnv;
use tests::command_api::{ChildProcess, Client, wait_ready};
use tests::kafka::read_all;
use tokio::sync::Mutex;

/// Two instances share the partitions; commands for every stream succeed
/// through either. One is SIGKILLed under load: afterwards the survivor owns
/// everything, every stream's versions are contiguous without duplicates, and
/// every acknowledged command's event is in the topic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_an_instance_under_load_loses_nothing() {
    let env = TestEnv::new();
    let mut first = ChildProcess::start(&env, env!("CARGO_BIN_EXE_test-command-api")).await;
    let second = ChildProcess::start(&env, env!("CARGO_BIN_EXE_test-command-api")).await;
    wait_ready(&first.url).await;
    wait_ready(&second.url).await;
    let clients = [Client::new(&first.url), Client::new(&second.url)];

    let mut tasks = Vec::new();
    for i in 0..24 {
        let task = clients[i % 2].create_task(&format!("task {i}")).await;
        tasks.push(task);
        // Each stream answers through the other instance too (forwarding).
        let reply = clients[(i + 1) % 2]
            .command(
                task,
                "rename",
                Some(json!({ "title": format!("r{i}") })),
                &[],
            )
            .await;
        assert_eq!(reply.status, 200, "{reply:?}");
    }

    let acknowledged: Arc<Mutex<Vec<(uuid::Uuid, u64, String)>>> = Arc::default();
    let first_alive = Arc::new(AtomicBool::new(true));
    let workers: Vec<_> = (0..8)
        .map(|worker| {
            let clients = clients.clone();
            let tasks = tasks.clone();
            let acknowledged = acknowledged.clone();
            let first_alive = first_alive.clone();
            tokio::spawn(async move {
                for n in 0..150 {
                    let task = tasks[(worker * 7 + n) % tasks.len()];
                    let via = if first_alive.load(Ordering::Relaxed) {
                        n % 2
                    } else {
                        1
                    };
                    let title = format!("w{worker}-{n}");
                    let reply = tokio::time::timeout(
                        Duration::from_secs(30),
                        clients[via].command(task, "rename", Some(json!({ "title": title })), &[]),
                    )
                    .await;
                    if let Ok(reply) = reply
                        && reply.status == 200
                    {
                        acknowledged
                            .lock()
                            .await
                            .push((task, reply.version(), title));
                    }
                }
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_millis(1500)).await;
    first_alive.store(false, Ordering::Relaxed);
    first.kill();
    for worker in workers {
        worker.await.unwrap();
    }

    // The survivor took over every partition: all streams accept commands.
    for task in &tasks {
        let reply = clients[1]
            .command(*task, "rename", Some(json!({ "title": "final" })), &[])
            .await;
        assert_eq!(reply.status, 200, "{reply:?}");
        acknowledged
            .lock()
            .await
            .push((*task, reply.version(), "final".into()));
    }

    let records = read_all(&env.brokers, &env.tasks_topic());
    let mut streams: BTreeMap<uuid::Uuid, Vec<(u64, String)>> = BTreeMap::new();
    let mut event_ids = HashSet::new();
    for record in &records {
        let envelope = record.envelope();
        assert!(event_ids.insert(envelope.event_id), "duplicate event id");
        let title = envelope.data["title"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        streams
            .entry(envelope.stream_id)
            .or_default()
            .push((envelope.version, title));
    }
    for (stream, events) in &streams {
        let versions: Vec<u64> = events.iter().map(|(v, _)| *v).collect();
        let expected: Vec<u64> = (1..=events.len() as u64).collect();
        assert_eq!(
            versions, expected,
            "stream {stream} versions are contiguous, in log order"
        );
    }
    let acknowledged = acknowledged.lock().await;
    assert!(acknowledged.len() > 24, "the load was acknowledged at all");
    for (task, version, title) in acknowledged.iter() {
        let stored = streams[task].get(*version as usize - 1);
        assert_eq!(
            stored.map(|(_, t)| t.as_str()),
            Some(title.as_str()),
            "acknowledged {task} v{version}"
        );
    }
}
