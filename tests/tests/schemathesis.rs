//! Schemathesis against the OpenAPI document of each service, served by the
//! service itself, in-process against the real Kafka and PostgreSQL: every
//! check of the pinned version, with the few settings of
//! `tests/schemathesis.toml` (explained in docs/api-contract.md).
//!
//! `scripts/test.sh` installs schemathesis and exports `SCHEMATHESIS`; run
//! alone, the test installs it itself with `scripts/schemathesis.sh`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use platform::auth::{SCOPE_COMMANDS_WRITE, SCOPE_OPS_ADMIN, SCOPE_QUERIES_READ};
use serde_json::{Value, json};
use tests::TestEnv;
use tests::command_api::{self, Client};
use tests::read_side::database::TestDatabase;
use tests::read_side::eventually;
use tests::read_side::services::{InProcess, projector_config};

/// Cases per operation and phase: enough for the coverage phase's edge
/// cases and some fuzzing, small enough that each run takes a minute or two
/// on the 2-core machine.
const MAX_EXAMPLES: &str = "25";
/// A fixed seed, so a failure can be replayed (`SCHEMATHESIS_SEED` picks another).
const SEED: &str = "20261201";

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `st` executable: `SCHEMATHESIS`, or installed now.
fn schemathesis() -> String {
    if let Ok(path) = std::env::var("SCHEMATHESIS")
        && !path.is_empty()
    {
        return path;
    }
    let output = std::process::Command::new(repository().join("scripts/schemathesis.sh"))
        .output()
        .expect("scripts/schemathesis.sh runs");
    assert!(
        output.status.success(),
        "scripts/schemathesis.sh failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// Values the configuration pins (see tests/schemathesis.toml); every run
/// must set them all, as schemathesis resolves the whole file.
#[derive(Default)]
struct Pinned {
    task_id: String,
    position: String,
    list_cursor: String,
    history_cursor: String,
    project_id: String,
    /// A project's position and a task's joined: a token over both topics.
    project_position: String,
    project_list_cursor: String,
    project_history_cursor: String,
}

/// Runs schemathesis against `url`'s `/openapi.json`, with a token of the
/// tests' tenant carrying `scope`, and fails the test with its report when
/// any check fails.
async fn run(service: &str, url: &str, scope: &str, pinned: &Pinned) {
    let token = tests::auth::token(tests::auth::DEFAULT_TENANT, "schemathesis", &[scope]);
    let workdir = std::env::temp_dir().join(format!("schemathesis-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&workdir).unwrap();
    let config = repository().join("tests/schemathesis.toml");
    let seed = std::env::var("SCHEMATHESIS_SEED").unwrap_or_else(|_| SEED.to_owned());
    let mut command = tokio::process::Command::new(schemathesis());
    command
        .current_dir(&workdir)
        .arg("--config-file")
        .arg(&config)
        .arg("--no-color")
        .args(["run", &format!("{url}/openapi.json")])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--max-examples", MAX_EXAMPLES, "--seed", &seed])
        .args(["--workers", "1", "--request-timeout", "20"])
        .args(["--generation-database", "none"])
        .env("ST_TASK_ID", &pinned.task_id)
        .env("ST_POSITION", &pinned.position)
        .env("ST_LIST_CURSOR", &pinned.list_cursor)
        .env("ST_HISTORY_CURSOR", &pinned.history_cursor)
        .env("ST_PROJECT_ID", &pinned.project_id)
        .env("ST_PROJECT_POSITION", &pinned.project_position)
        .env("ST_PROJECT_LIST_CURSOR", &pinned.project_list_cursor)
        .env("ST_PROJECT_HISTORY_CURSOR", &pinned.project_history_cursor)
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(600), command.output())
        .await
        .unwrap_or_else(|_| panic!("schemathesis against the {service} took over 10 minutes"))
        .expect("schemathesis runs");
    let _ = std::fs::remove_dir_all(&workdir);
    let report = String::from_utf8_lossy(&output.stdout);
    println!("{report}");
    assert!(
        output.status.success(),
        "schemathesis found failures in the {service} ({}):\n{report}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_api_does_what_its_document_says() {
    let env = TestEnv::with_partitions(3);
    let api = command_api::InProcess::start(&env).await;
    run(
        "command API",
        &api.url,
        SCOPE_COMMANDS_WRITE,
        &Pinned::default(),
    )
    .await;
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_query_api_does_what_its_document_says() {
    let env = TestEnv::with_partitions(3);
    let database = TestDatabase::create().await;
    let commands = command_api::InProcess::start(&env).await;
    let projector = InProcess::projector(projector_config(&env, &database)).await;
    let query = InProcess::query_api(&env, &database).await;
    let pinned = read_side_story(&commands.url, &query.url).await;
    run("query API", &query.url, SCOPE_QUERIES_READ, &pinned).await;
    query.stop().await;
    projector.stop().await;
    commands.stop().await;
    database.drop_database().await;
}

/// Two tasks, one with a history of several events, and two projects, one
/// renamed, projected; the ids, positions and cursors the query API's
/// operations are pinned to.
async fn read_side_story(commands: &str, query: &str) -> Pinned {
    let client = Client::new(commands);
    let mut last = Value::Null;
    let mut task_id = String::new();
    for title in ["first task", "second task"] {
        let created = client
            .create(json!({ "title": title, "tags": ["docs"], "assignee": "ann", "due_date": "2030-01-02" }))
            .await;
        assert_eq!(created.status, 201, "{created:?}");
        task_id = created.body["task_id"].as_str().unwrap().to_owned();
        last = created.body;
    }
    let task = task_id.parse().unwrap();
    for (name, body) in [
        ("rename", json!({ "title": "second task, renamed" })),
        ("complete", json!({})),
    ] {
        let reply = client.command(task, name, Some(body), &[]).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        last = reply.body;
    }
    let position = last["position"].as_str().unwrap().to_owned();
    let http = tests::auth::client();
    let get = |path: String| {
        let request = http
            .get(format!("{query}{path}"))
            .header("X-Consistency-Token", &position)
            .send();
        async move {
            let response = request.await.expect("query API answers");
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    eventually(
        Duration::from_secs(30),
        "the projection has both tasks",
        || {
            let page = get("/v1/tasks?limit=200".to_owned());
            async move {
                page.await["items"]
                    .as_array()
                    .is_some_and(|items| items.len() == 2)
            }
        },
    )
    .await;
    let list_cursor = get("/v1/tasks?limit=1".to_owned()).await["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let history_cursor = get(format!("/v1/tasks/{task_id}/history?limit=1")).await["next_cursor"]
        .as_str()
        .expect("a next page of history")
        .to_owned();
    let mut project_id = String::new();
    for name in ["first project", "second project"] {
        let created = client
            .post("/v1/projects", Some(json!({ "name": name })), &[])
            .await;
        assert_eq!(created.status, 201, "{created:?}");
        project_id = created.body["project_id"].as_str().unwrap().to_owned();
    }
    let renamed = client
        .post(
            &format!("/v1/projects/{project_id}/rename"),
            Some(json!({ "name": "second project, renamed" })),
            &[],
        )
        .await;
    assert_eq!(renamed.status, 200, "{renamed:?}");
    let project_position = format!("{},{position}", renamed.body["position"].as_str().unwrap());
    let get_project = |path: String| {
        let request = http
            .get(format!("{query}{path}"))
            .header("X-Consistency-Token", &project_position)
            .send();
        async move {
            let response = request.await.expect("query API answers");
            assert_eq!(response.status(), 200);
            assert_eq!(response.headers()["x-consistency"], "consistent");
            response.json::<Value>().await.unwrap()
        }
    };
    let project_list_cursor = get_project("/v1/projects?limit=1".to_owned()).await["next_cursor"]
        .as_str()
        .expect("a next page of projects")
        .to_owned();
    let project_history_cursor = get_project(format!("/v1/projects/{project_id}/history?limit=1"))
        .await["next_cursor"]
        .as_str()
        .expect("a next page of the project's history")
        .to_owned();
    Pinned {
        task_id,
        position,
        list_cursor,
        history_cursor,
        project_id,
        project_position,
        project_list_cursor,
        project_history_cursor,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_projector_does_what_its_document_says() {
    let env = TestEnv::with_partitions(3);
    let database = TestDatabase::create().await;
    let projector = InProcess::projector(projector_config(&env, &database)).await;
    command_api::wait_ready(&projector.url).await;
    run(
        "projector",
        &projector.url,
        SCOPE_OPS_ADMIN,
        &Pinned::default(),
    )
    .await;
    projector.stop().await;
    database.drop_database().await;
}
