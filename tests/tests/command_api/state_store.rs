//! The instance's local state store: a restart of the same instance reads
//! only the state topic's tail, a cache far smaller than the working set
//! still decides every command as before, and a crash leaves nothing in the
//! store that Kafka did not commit.

use std::collections::HashMap;
use std::path::Path;

use serde_json::json;
use tests::TestEnv;
use tests::command_api::{ChildProcess, Client, InProcess, topic_counter, wait_ready};
use tests::kafka::read_all;
use uuid::Uuid;

fn config(env: &TestEnv, state_dir: &Path, cache_streams: usize) -> command_api::Config {
    command_api::Config {
        state_dir: state_dir.to_owned(),
        state_cache_streams: cache_streams,
        ..tests::command_api::config(env)
    }
}

async fn start(env: &TestEnv, state_dir: &Path, cache_streams: usize) -> InProcess {
    InProcess::start_with(config(env, state_dir, cache_streams)).await
}

async fn restored(url: &str, env: &TestEnv) -> (u64, u64) {
    (
        topic_counter(url, "command_api_restore_snapshots_total", env).await,
        topic_counter(url, "command_api_restore_events_total", env).await,
    )
}

/// Renames `task` expecting it at `version`; a stale `If-Match` must fail first.
async fn rename_at(client: &Client, task: Uuid, version: u64, title: &str) {
    if version > 1 {
        let stale = format!("\"{}\"", version - 1);
        let refused = client
            .command(
                task,
                "rename",
                Some(json!({ "title": title })),
                &[("If-Match", &stale)],
            )
            .await;
        assert_eq!(refused.status, 412, "{refused:?}");
    }
    let expected = format!("\"{version}\"");
    let renamed = client
        .command(
            task,
            "rename",
            Some(json!({ "title": title })),
            &[("If-Match", &expected)],
        )
        .await;
    assert_eq!(
        (renamed.status, renamed.version()),
        (200, version + 1),
        "{renamed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_of_the_same_instance_reads_only_the_state_tail() {
    let env = TestEnv::new();
    let own_dir = env.state_dir();
    let api = start(&env, &own_dir, 1_000).await;
    let client = Client::new(&api.url);
    let mut tasks = Vec::new();
    for i in 0..12 {
        let task = client.create_task(&format!("task {i}")).await;
        rename_at(&client, task, 1, &format!("task {i} renamed")).await;
        tasks.push(task);
    }
    api.stop().await;

    // Meanwhile another instance, with a store of its own, changes three tasks.
    let other = start(&env, &env.state_dir(), 1_000).await;
    let before = restored(&other.url, &env).await;
    let client = Client::new(&other.url);
    for task in &tasks[..3] {
        rename_at(&client, *task, 2, "changed elsewhere").await;
    }
    other.stop().await;

    let api = start(&env, &own_dir, 1_000).await;
    let after = restored(&api.url, &env).await;
    assert_eq!(
        (after.0 - before.0, after.1 - before.1),
        (3, 0),
        "only the three snapshots written since its checkpoint are read"
    );
    let client = Client::new(&api.url);
    for (i, task) in tasks.iter().enumerate() {
        let version = if i < 3 { 3 } else { 2 };
        rename_at(&client, *task, version, "after the restart").await;
    }
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_cannot_share_a_state_directory() {
    let env = TestEnv::new();
    let dir = env.state_dir();
    let api = start(&env, &dir, 1_000).await;
    let error = command_api::Application::build(config(&env, &dir, 1_000))
        .await
        .err()
        .expect("a second instance on the same directory is refused");
    assert!(
        error
            .to_string()
            .contains("in use by another command API instance"),
        "{error}"
    );
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cache_smaller_than_the_working_set_decides_every_command() {
    let env = TestEnv::with_partitions(2);
    let dir = env.state_dir();
    let api = start(&env, &dir, 2).await;
    let client = Client::new(&api.url);
    let mut tasks = Vec::new();
    for i in 0..20 {
        let key = format!("create-{i}");
        let created = client
            .post(
                "/v1/tasks",
                Some(json!({ "title": format!("task {i}") })),
                &[("Idempotency-Key", &key)],
            )
            .await;
        assert_eq!(created.status, 201, "{created:?}");
        tasks.push(
            created.body["task_id"]
                .as_str()
                .unwrap()
                .parse::<Uuid>()
                .unwrap(),
        );
    }
    for round in 1..=3u64 {
        // Concurrently, so that batches hold more streams than the cache.
        let renames = tasks.iter().map(|task| {
            let client = client.clone();
            let task = *task;
            async move { rename_at(&client, task, round, &format!("round {round}")).await }
        });
        futures::future::join_all(renames).await;
    }
    for (i, task) in tasks.iter().enumerate() {
        // Retried long after their first attempt, evicted since.
        let key = format!("create-{i}");
        let retried = client
            .post(
                "/v1/tasks",
                Some(json!({ "title": format!("task {i}") })),
                &[("Idempotency-Key", &key)],
            )
            .await;
        assert_eq!(
            retried.headers["idempotent-replayed"], "true",
            "{retried:?}"
        );
        assert_eq!(retried.body["task_id"].as_str().unwrap(), task.to_string());
        assert_eq!(retried.version(), 1);
        let reused = client
            .post(
                "/v1/tasks",
                Some(json!({ "title": "another" })),
                &[("Idempotency-Key", &key)],
            )
            .await;
        assert_eq!(reused.status, 422, "{reused:?}");
    }
    api.stop().await;

    let api = start(&env, &dir, 2).await;
    let client = Client::new(&api.url);
    for task in &tasks {
        rename_at(&client, *task, 4, "after the restart").await;
    }
    api.stop().await;
}

/// SIGKILLed under load, the instance restarts on its own store: every
/// stream's state is exactly its committed events (no more, no fewer).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_does_not_surface_uncommitted_state() {
    let env = TestEnv::with_partitions(3);
    let dir = env.state_dir();
    let executable = env!("CARGO_BIN_EXE_test-command-api");
    let mut crashed = ChildProcess::start_with_state_dir(&env, executable, &dir).await;
    wait_ready(&crashed.url).await;
    let client = Client::new(&crashed.url);
    let mut tasks = Vec::new();
    for i in 0..12 {
        tasks.push(client.create_task(&format!("task {i}")).await);
    }
    let load: Vec<_> = (0..6)
        .map(|worker| {
            let client = client.clone();
            let tasks = tasks.clone();
            tokio::spawn(async move {
                for n in 0.. {
                    let task = tasks[(worker + n) % tasks.len()];
                    let title = json!({ "title": format!("w{worker}-{n}") });
                    if client
                        .command(task, "rename", Some(title), &[])
                        .await
                        .status
                        == 0
                    {
                        return;
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    crashed.kill();
    for worker in load {
        worker.await.unwrap();
    }

    let api = start(&env, &dir, 4).await;
    let mut committed: HashMap<String, u64> = HashMap::new();
    for record in read_all(&env.brokers, &env.tasks_topic()) {
        *committed.entry(record.key.unwrap_or_default()).or_default() += 1;
    }
    let client = Client::new(&api.url);
    for task in &tasks {
        let version = committed[&task.to_string()];
        rename_at(&client, *task, version, "after the crash").await;
    }
    api.stop().await;
}
