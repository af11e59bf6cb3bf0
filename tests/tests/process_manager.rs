//! Process manager `project_archival` against real Kafka, PostgreSQL and the
//! command API: archiving a project archives its open tasks exactly once,
//! even when the process manager is SIGKILLed in the middle and restarted;
//! a task moved into an archived project is moved back out.

use std::collections::HashMap;
use std::time::Duration;

use events::Aggregate;
use events::task::Task;
use serde_json::json;
use sqlx::PgPool;
use tests::TestEnv;
use tests::command_api::{Client, InProcess as CommandApi};
use tests::kafka::read_all;
use tests::read_side::cli::{projector_cli, projector_command};
use tests::read_side::database::TestDatabase;
use tests::read_side::eventually;
use tests::read_side::services::ProjectorProcess;
use tokio::io::{AsyncBufReadExt, BufReader};
use uuid::Uuid;

const PROJECTOR: &str = env!("CARGO_BIN_EXE_test-projector");
const ACME: &[(&str, &str)] = &[("X-Tenant-Id", "acme"), ("X-Actor", "ada")];
const OPEN_TASKS: usize = 500;
const ACTOR: &str = "process-manager:project_archival";

fn process_manager(
    env: &TestEnv,
    database: &TestDatabase,
    commands: &CommandApi,
) -> ProjectorProcess {
    ProjectorProcess::spawn(
        env,
        database,
        PROJECTOR,
        &[
            ("PROJECTOR_PROJECTIONS", "project_archival"),
            ("PROCESS_MANAGER_COMMAND_API_URL", &commands.url),
        ],
    )
}

async fn create_project(client: &Client, name: &str) -> Uuid {
    let reply = client
        .post("/v1/projects", Some(json!({ "name": name })), ACME)
        .await;
    assert_eq!(reply.status, 201, "{reply:?}");
    reply.body["project_id"].as_str().unwrap().parse().unwrap()
}

async fn create_task_in(client: &Client, project: Uuid, title: String) -> Uuid {
    let reply = client
        .post(
            "/v1/tasks",
            Some(json!({ "title": title, "project_id": project })),
            ACME,
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:?}");
    reply.body["task_id"].as_str().unwrap().parse().unwrap()
}

async fn commands_by_status(pool: &PgPool) -> HashMap<String, i64> {
    sqlx::query_as::<_, (String, i64)>(
        "SELECT status, count(*) FROM process_manager_commands GROUP BY status",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn archiving_a_project_archives_each_open_task_exactly_once_across_a_sigkill() {
    let env = TestEnv::with_partitions(3);
    let database = TestDatabase::create().await;
    let pool = database.pool().await;
    read_model::migrations::run(&pool).await.unwrap();
    let commands = CommandApi::start(&env).await;
    let client = Client::new(&commands.url);

    let board = create_project(&client, "Board").await;
    let mut open = Vec::with_capacity(OPEN_TASKS);
    for chunk in 0..(OPEN_TASKS / 50) {
        let created = futures::future::join_all(
            (0..50).map(|i| create_task_in(&client, board, format!("task {chunk}-{i}"))),
        )
        .await;
        open.extend(created);
    }
    let done = create_task_in(&client, board, "already done".into()).await;
    let completed = client.command(done, "complete", None, ACME).await;
    assert_eq!(completed.status, 200, "{completed:?}");

    let mut manager = process_manager(&env, &database, &commands);
    let archived = client
        .post(&format!("/v1/projects/{board}/archive"), None, ACME)
        .await;
    assert_eq!(archived.status, 200, "{archived:?}");

    // Killed while delivering: some commands are done, the rest are not.
    eventually(
        Duration::from_secs(60),
        "the process manager has delivered some of its commands",
        || async {
            commands_by_status(&pool)
                .await
                .get("done")
                .copied()
                .unwrap_or(0)
                >= 20
        },
    )
    .await;
    manager.kill();
    let at_kill = commands_by_status(&pool).await;
    assert!(
        at_kill.get("done").copied().unwrap_or(0) < OPEN_TASKS as i64,
        "killed in the middle: {at_kill:?}"
    );

    let _restarted = process_manager(&env, &database, &commands);
    eventually(
        Duration::from_secs(120),
        "every command is delivered",
        || async {
            // Some decisions may be refused (taken on a view the task had
            // moved past): each open task still ends up archived, once.
            let by_status = commands_by_status(&pool).await;
            by_status.get("done").copied().unwrap_or(0) >= OPEN_TASKS as i64
                && !by_status.contains_key("pending")
        },
    )
    .await;

    // The log: one TaskArchived per open task, by the process manager in
    // the project's tenant, and every stream's versions contiguous.
    let records = tokio::task::spawn_blocking({
        let brokers = env.brokers.clone();
        let topic = format!("{}{}", env.topic_prefix, Task::TOPIC_NAME);
        move || read_all(&brokers, &topic)
    })
    .await
    .unwrap();
    let mut versions: HashMap<Uuid, Vec<u64>> = HashMap::new();
    let mut archived_by_task: HashMap<Uuid, usize> = HashMap::new();
    for record in &records {
        let envelope = record.envelope();
        versions
            .entry(envelope.stream_id)
            .or_default()
            .push(envelope.version);
        if envelope.event_type == "TaskArchived" {
            assert_eq!(envelope.actor, ACTOR);
            assert_eq!(envelope.tenant_id, "acme");
            *archived_by_task.entry(envelope.stream_id).or_default() += 1;
        }
    }
    for task in &open {
        assert_eq!(archived_by_task.get(task), Some(&1), "task {task}");
    }
    assert_eq!(
        archived_by_task.get(&done),
        None,
        "a completed task stays completed"
    );
    for (stream, mut seen) in versions {
        seen.sort_unstable();
        let expected: Vec<u64> = (1..=seen.len() as u64).collect();
        assert_eq!(seen, expected, "stream {stream}: no duplicate, no gap");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_moved_into_an_archived_project_is_moved_back_out() {
    let env = TestEnv::new();
    let database = TestDatabase::create().await;
    let commands = CommandApi::start(&env).await;
    let client = Client::new(&commands.url);
    let manager = process_manager(&env, &database, &commands);

    let home = create_project(&client, "Home").await;
    let closed = create_project(&client, "Closed").await;
    let archived = client
        .post(&format!("/v1/projects/{closed}/archive"), None, ACME)
        .await;
    assert_eq!(archived.status, 200, "{archived:?}");
    let chore = create_task_in(&client, home, "chore".into()).await;
    let moved = client
        .command(
            chore,
            "move-to-project",
            Some(json!({ "project_id": closed })),
            ACME,
        )
        .await;
    assert_eq!(moved.status, 200, "{moved:?}");

    let topic = format!("{}{}", env.topic_prefix, Task::TOPIC_NAME);
    eventually(
        Duration::from_secs(60),
        "the process manager moves the task back",
        || {
            let (brokers, topic) = (env.brokers.clone(), topic.clone());
            async move {
                let records = tokio::task::spawn_blocking(move || read_all(&brokers, &topic))
                    .await
                    .unwrap();
                let events = tests::kafka::stream_events(&records, chore);
                events.len() == 3 && {
                    let back = &events[2];
                    back.event_type == "TaskMovedToProject"
                        && back.actor == ACTOR
                        && back.data["project_id"] == json!(home)
                }
            }
        },
    )
    .await;

    // The status shows it as a process manager, reading both topics, caught
    // up (its lag) and with nothing left to deliver.
    eventually(
        Duration::from_secs(30),
        "the status shows the process manager caught up",
        || async {
            let body: serde_json::Value = tests::auth::client()
                .get(format!("{}/v1/projections", manager.url))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            body["projections"].as_array().is_some_and(|versions| {
                versions.iter().any(|version| {
                    version["projection"] == "project_archival.v1"
                        && version["kind"] == "process_manager"
                        && version["pending_commands"] == 0
                        // One trailing commit marker per partition written counts as lag.
                        && version["lag"].as_i64().is_some_and(|lag| lag <= 8)
                        && version["topics"].as_array().map(Vec::len) == Some(2)
                })
            })
        },
    )
    .await;
    let status = projector_cli(
        &env,
        &database,
        PROJECTOR,
        &["status", "--sample-ms", "200"],
        Duration::from_secs(30),
    )
    .await;
    assert!(status.stdout.contains("process manager"), "{status:?}");

    // --watch keeps drawing the status, sample after sample.
    let mut watch = projector_command(
        &env,
        &database,
        PROJECTOR,
        &["status", "--watch", "--sample-ms", "100"],
    )
    .stdout(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let mut lines = BufReader::new(watch.stdout.take().unwrap()).lines();
    let mut frames = 0;
    tokio::time::timeout(Duration::from_secs(30), async {
        while frames < 3 {
            let line = lines
                .next_line()
                .await
                .unwrap()
                .expect("status --watch goes on");
            if line.contains("PROJECTION") {
                frames += 1;
            }
        }
    })
    .await
    .expect("three frames of status --watch");
    watch.kill().await.unwrap();
}

/// With tokens from an identity provider, the process manager cannot sign
/// its own: it runs `PROCESS_MANAGER_TOKEN_COMMAND <tenant>` and uses what it
/// prints. Here the "provider" is a script handing out a token per tenant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_token_command_the_process_manager_acts_with_the_fetched_token() {
    let env = TestEnv::new();
    let database = TestDatabase::create().await;
    let commands = CommandApi::start(&env).await;
    let client = Client::new(&commands.url);

    let dir = std::env::temp_dir().join(format!("pm-tokens-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let token = tests::auth::token("acme", "idp-client:archiver", &["commands:write"]);
    std::fs::write(dir.join("acme"), token).unwrap();
    let script = dir.join("token.sh");
    std::fs::write(&script, "#!/bin/sh\nexec cat \"$(dirname \"$0\")/$1\"\n").unwrap();
    let command = format!("sh {}", script.display());
    let _manager = ProjectorProcess::spawn(
        &env,
        &database,
        PROJECTOR,
        &[
            ("PROJECTOR_PROJECTIONS", "project_archival"),
            ("PROCESS_MANAGER_COMMAND_API_URL", &commands.url),
            ("PROCESS_MANAGER_TOKEN_COMMAND", &command),
        ],
    );

    let board = create_project(&client, "Board").await;
    let chore = create_task_in(&client, board, "chore".into()).await;
    let archived = client
        .post(&format!("/v1/projects/{board}/archive"), None, ACME)
        .await;
    assert_eq!(archived.status, 200, "{archived:?}");

    let topic = format!("{}{}", env.topic_prefix, Task::TOPIC_NAME);
    eventually(
        Duration::from_secs(60),
        "the task is archived under the fetched token's subject",
        || {
            let (brokers, topic) = (env.brokers.clone(), topic.clone());
            async move {
                let records = tokio::task::spawn_blocking(move || read_all(&brokers, &topic))
                    .await
                    .unwrap();
                tests::kafka::stream_events(&records, chore)
                    .iter()
                    .any(|event| {
                        event.event_type == "TaskArchived" && event.actor == "idp-client:archiver"
                    })
            }
        },
    )
    .await;
    let _ = std::fs::remove_dir_all(&dir);
}
