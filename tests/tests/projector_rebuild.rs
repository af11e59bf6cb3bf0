//! Rebuilding a projection without downtime, against the real Kafka and
//! PostgreSQL: `projector rebuild tasks` builds `tasks.v2` beside the live
//! `tasks.v1` while commands and queries run, the query API switches to it
//! with no failed request and no request reading a mix of versions, and the
//! new tables equal the old. Then `status`, `rollback`, `drop` and `reset`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use sqlx::{PgPool, Row};
use tests::TestEnv;
use tests::command_api::{self, Client};
use tests::kafka::{ReadRecord, read_all};
use tests::read_side::cli::{CliOutput, projector_cli};
use tests::read_side::database::{TestDatabase, caught_up};
use tests::read_side::eventually;
use tests::read_side::model::{actual_version, assert_same, end_offsets, expected};
use tests::read_side::producer::EventProducer;
use tests::read_side::services::{InProcess, ProjectorProcess, projector_config};
use tests::read_side::story::backlog;

const PROJECTOR: &str = env!("CARGO_BIN_EXE_test-projector");
const V1: &str = "tasks.v1";
const V2: &str = "tasks.v2";

async fn topic_records(env: &TestEnv) -> Vec<ReadRecord> {
    let (brokers, topic) = (env.brokers.clone(), env.tasks_topic());
    tokio::task::spawn_blocking(move || read_all(&brokers, &topic))
        .await
        .unwrap()
}

async fn cli(env: &TestEnv, database: &TestDatabase, args: &[&str]) -> CliOutput {
    projector_cli(env, database, PROJECTOR, args, Duration::from_secs(180)).await
}

/// One answer of the query API as a client saw it.
#[derive(Debug, Clone)]
struct Seen {
    request: String,
    status: u16,
    version: Option<String>,
    consistency: Option<String>,
    body: Value,
}

impl Seen {
    /// The version number in `X-Projection-Version` (`tasks.v2` → 2).
    fn version_number(&self) -> Option<u32> {
        self.version.as_deref()?.rsplit_once(".v")?.1.parse().ok()
    }
}

async fn read(http: &reqwest::Client, url: &str, tenant: &str, token: Option<&str>) -> Seen {
    let authorization = tests::auth::authorization_for(&[("X-Tenant-Id", tenant)]);
    let mut request = http
        .get(url)
        .header("X-Tenant-Id", tenant)
        .header("authorization", authorization.expect("a minted token"));
    if let Some(token) = token {
        request = request
            .header("X-Consistency-Token", token)
            .header("X-Consistency-Timeout-Ms", "10000");
    }
    match request.send().await {
        Ok(response) => {
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned)
            };
            let (version, consistency) = (header("x-projection-version"), header("x-consistency"));
            let status = response.status().as_u16();
            Seen {
                request: url.to_owned(),
                status,
                version,
                consistency,
                body: response.json().await.unwrap_or(Value::Null),
            }
        }
        Err(error) => Seen {
            request: url.to_owned(),
            status: 0,
            version: None,
            consistency: None,
            body: json!({ "transport_error": error.to_string() }),
        },
    }
}

/// Creates and renames tasks through the command API and reads each write
/// back with its position token, until told to stop.
async fn writer(commands: String, query: String, running: Arc<AtomicBool>, n: usize) -> Vec<Seen> {
    let client = Client::new(&commands);
    let http = tests::auth::client();
    let mut seen = Vec::new();
    let mut i = 0;
    while running.load(Ordering::SeqCst) {
        let title = format!("writer {n} task {i}");
        let created = client.create(json!({ "title": title })).await;
        assert_eq!(created.status, 201, "{created:?}");
        let task_id = created.body["task_id"].as_str().unwrap().to_owned();
        let position = created.body["position"].as_str().unwrap().to_owned();
        let mut after = read(
            &http,
            &format!("{query}/v1/tasks/{task_id}"),
            "default",
            Some(&position),
        )
        .await;
        assert_eq!(after.body["title"], title, "read-your-writes: {after:?}");
        seen.push(after);

        let renamed = format!("{title}, renamed");
        let reply = client
            .command(
                task_id.parse().unwrap(),
                "rename",
                Some(json!({ "title": renamed })),
                &[],
            )
            .await;
        assert_eq!(reply.status, 200, "{reply:?}");
        let position = reply.body["position"].as_str().unwrap().to_owned();
        after = read(
            &http,
            &format!("{query}/v1/tasks/{task_id}"),
            "default",
            Some(&position),
        )
        .await;
        assert_eq!(after.body["title"], renamed, "read-your-writes: {after:?}");
        seen.push(after);
        i += 1;
    }
    seen
}

/// Reads data nobody writes during the test (the backlog's tenants) over
/// and over, until told to stop: every answer must be the same, whichever
/// version served it.
async fn reader(
    query: String,
    running: Arc<AtomicBool>,
    task_id: String,
    tenant: String,
) -> Vec<Seen> {
    let http = tests::auth::client();
    let urls = [
        format!("{query}/v1/tasks?limit=50&sort=created_at"),
        format!("{query}/v1/stats/tasks"),
        format!("{query}/v1/tasks/{task_id}/history"),
        format!("{query}/v1/tasks/{task_id}"),
    ];
    let mut seen = Vec::new();
    while running.load(Ordering::SeqCst) {
        for url in &urls {
            seen.push(read(&http, url, &tenant, None).await);
        }
    }
    seen
}

/// Every answer succeeded, said which version served it, and no client went
/// back to an older version.
fn assert_no_failed_or_mixed_reads(client: &str, seen: &[Seen]) {
    assert!(!seen.is_empty(), "{client} read nothing");
    let mut newest = 0;
    for answer in seen {
        assert_eq!(answer.status, 200, "{client}: a failed request: {answer:?}");
        let version = answer
            .version_number()
            .unwrap_or_else(|| panic!("{client}: no X-Projection-Version: {answer:?}"));
        assert!(
            version >= newest,
            "{client}: read v{version} after v{newest}: {answer:?}"
        );
        newest = version;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_under_traffic_switches_the_query_api_with_no_failed_or_mixed_read() {
    let env = TestEnv::with_partitions(3);
    let database = TestDatabase::create().await;
    let producer = EventProducer::new(&env).await;
    let topic = env.tasks_topic();
    // A history worth rebuilding.
    let history = backlog(800, 8, 3, 77);
    producer.send_all(&history).await;
    let commands = command_api::InProcess::start(&env).await;
    let projector = ProjectorProcess::spawn(&env, &database, PROJECTOR, &[]);
    command_api::wait_ready(&projector.url).await;
    let query = InProcess::query_api(&env, &database).await;
    let pool = database.pool().await;
    let ends = producer.ends();
    eventually(Duration::from_secs(60), "tasks.v1 has the backlog", || {
        caught_up(&pool, V1, &topic, &ends)
    })
    .await;

    let running = Arc::new(AtomicBool::new(true));
    let writers: Vec<_> = (0..2)
        .map(|n| {
            tokio::spawn(writer(
                commands.url.clone(),
                query.url.clone(),
                running.clone(),
                n,
            ))
        })
        .collect();
    let readers: Vec<_> = (0..2)
        .map(|n| {
            let story = &history[n * 7];
            tokio::spawn(reader(
                query.url.clone(),
                running.clone(),
                story.stream_id.to_string(),
                story.tenant_id.clone(),
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;

    let rebuilt = cli(&env, &database, &["rebuild", "tasks"]).await;
    assert_eq!(rebuilt.code, 0, "{rebuilt:?}");
    assert!(
        rebuilt
            .stdout
            .contains("building tasks.v2 beside the live tasks.v1"),
        "{rebuilt:?}"
    );
    assert!(
        rebuilt.stdout.contains("the query API serves it now"),
        "{rebuilt:?}"
    );
    // Traffic goes on against the new version for a while.
    tokio::time::sleep(Duration::from_secs(1)).await;
    running.store(false, Ordering::SeqCst);

    let mut versions_seen = BTreeMap::new();
    for (n, writer) in writers.into_iter().enumerate() {
        let seen = writer.await.expect("the writer's assertions hold");
        assert_no_failed_or_mixed_reads(&format!("writer {n}"), &seen);
        for answer in &seen {
            assert_eq!(
                answer.consistency.as_deref(),
                Some("consistent"),
                "writer {n}: read-your-writes across the switch: {answer:?}"
            );
            *versions_seen.entry(answer.version.clone()).or_insert(0) += 1;
        }
    }
    for (n, reader) in readers.into_iter().enumerate() {
        let seen = reader.await.unwrap();
        assert_no_failed_or_mixed_reads(&format!("reader {n}"), &seen);
        // Nobody writes the backlog's tenants: both versions answer alike.
        let mut first: BTreeMap<&str, &Value> = BTreeMap::new();
        for answer in &seen {
            let same = first.entry(&answer.request).or_insert(&answer.body);
            assert_eq!(
                *same, &answer.body,
                "reader {n}: {} differs between versions",
                answer.request
            );
            *versions_seen.entry(answer.version.clone()).or_insert(0) += 1;
        }
    }
    assert!(
        versions_seen.contains_key(&Some(V1.to_owned()))
            && versions_seen.contains_key(&Some(V2.to_owned())),
        "the switch happened while the clients read: {versions_seen:?}"
    );

    // Both versions hold the whole log, identically.
    let records = topic_records(&env).await;
    let ends = end_offsets(&records);
    eventually(
        Duration::from_secs(60),
        "both versions are at the end of the log",
        || async {
            caught_up(&pool, V1, &topic, &ends).await && caught_up(&pool, V2, &topic, &ends).await
        },
    )
    .await;
    let new = actual_version(&pool, 2).await;
    assert_same(&new, &actual_version(&pool, 1).await);
    assert_same(&new, &expected(&records));

    // `status` and the metrics show v2 live and v1 on standby, both consumed.
    let status = cli(&env, &database, &["status", "--json", "--sample-ms", "200"]).await;
    assert_eq!(status.code, 0, "{status:?}");
    let status = status.json();
    let version = |id: &str| {
        status["versions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["projection"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} in {status}"))
    };
    let (v1, v2) = (version(V1), version(V2));
    assert_eq!(
        (v2["role"].as_str(), v2["serving"].as_bool()),
        (Some("live"), Some(true)),
        "{v2}"
    );
    assert_eq!(
        (v1["role"].as_str(), v1["serving"].as_bool()),
        (Some("standby"), Some(false)),
        "{v1}"
    );
    assert_eq!(v2["partitions"].as_array().unwrap().len(), 3, "{v2}");
    for v in [&v1, &v2] {
        assert!(v["consumers"].as_u64().unwrap() >= 1, "{v}");
        assert!(v["events_per_second"].is_number(), "{v}");
    }
    let text = cli(&env, &database, &["status", "--sample-ms", "200"]).await;
    assert!(
        text.stdout
            .contains("PARTITION  CHECKPOINT  HIGH WATERMARK  LAG"),
        "{text:?}"
    );
    eventually(
        Duration::from_secs(10),
        "the metrics show the switch",
        || async {
            let metrics = reqwest::get(format!("{}/metrics", projector.url))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            metrics.contains(&format!(
                "projector_version_state{{projection=\"{V2}\",state=\"live\"}} 1"
            )) && metrics.contains(&format!(
                "projector_version_serving{{projection=\"{V1}\"}} 0"
            ))
        },
    )
    .await;

    query.stop().await;
    commands.stop().await;
    drop(projector);
    database.drop_database().await;
}

async fn live_version(pool: &PgPool) -> Option<u32> {
    read_model::versions::live_version(pool, "tasks")
        .await
        .unwrap()
}

/// The query API learns of a switch by a notification at its commit, so
/// within moments of it: waits (briefly) until it serves `expected`.
async fn assert_served_by(query: &str, expected: &str) {
    eventually(
        Duration::from_secs(5),
        &format!("the query API serves {expected}"),
        || async { served_by(query).await == expected },
    )
    .await;
}

async fn served_by(query: &str) -> String {
    let response = tests::auth::client()
        .get(format!("{query}/v1/tasks?limit=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.headers()["x-projection-version"]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollback_drop_and_reset() {
    let env = TestEnv::with_partitions(2);
    let database = TestDatabase::create().await;
    let producer = EventProducer::new(&env).await;
    let topic = env.tasks_topic();
    producer.send_all(&backlog(60, 6, 2, 5)).await;
    let ends = producer.ends();
    let projector = InProcess::projector(projector_config(&env, &database)).await;
    let query = InProcess::query_api(&env, &database).await;
    let pool = database.pool().await;
    eventually(Duration::from_secs(30), "tasks.v1 has the backlog", || {
        caught_up(&pool, V1, &topic, &ends)
    })
    .await;
    assert_served_by(&query.url, V1).await;

    let started = cli(&env, &database, &["rebuild", "tasks", "--no-wait"]).await;
    assert_eq!(started.code, 0, "{started:?}");
    eventually(
        Duration::from_secs(60),
        "the projector switches to tasks.v2",
        || async { live_version(&pool).await == Some(2) },
    )
    .await;
    assert_served_by(&query.url, V2).await;

    // The version that just stopped serving may still be read by queries in flight.
    let too_soon = cli(&env, &database, &["drop", "tasks"]).await;
    assert_eq!(too_soon.code, 1, "{too_soon:?}");
    assert!(too_soon.stderr.contains("--force"), "{too_soon:?}");
    let live = cli(&env, &database, &["drop", "tasks.v2", "--force"]).await;
    assert_eq!(live.code, 1, "{live:?}");
    assert!(live.stderr.contains("is live"), "{live:?}");

    let rolled_back = cli(&env, &database, &["rollback", "tasks"]).await;
    assert_eq!(rolled_back.code, 0, "{rolled_back:?}");
    assert_eq!(live_version(&pool).await, Some(1));
    assert_served_by(&query.url, V1).await;

    let dropped = cli(&env, &database, &["drop", "tasks.v2", "--force"]).await;
    assert_eq!(dropped.code, 0, "{dropped:?}");
    let table: Option<String> = sqlx::query_scalar("SELECT to_regclass('tasks_v2')::text")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(table, None, "its tables are gone");
    let leftovers: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM projection_checkpoints WHERE projection = 'tasks.v2'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(leftovers, 0);
    eventually(
        Duration::from_secs(10),
        "the projector stops consuming tasks.v2",
        || async {
            let body: Value = tests::auth::client()
                .get(format!("{}/v1/projections", projector.url))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let ids: Vec<&str> = body["projections"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|p| p["projection"].as_str())
                .filter(|id| id.starts_with("tasks."))
                .collect();
            ids == [V1]
        },
    )
    .await;
    assert_served_by(&query.url, V1).await;

    // Reset: an operator lost a task's rows; re-applying its partition restores them.
    let lost = sqlx::query(
        "SELECT t.task_id, t.tenant_id, t.source_partition FROM tasks_v1 t
         WHERE t.status = 'open'
           AND NOT EXISTS (SELECT 1 FROM task_history_v1 h
                           WHERE h.task_id = t.task_id AND h.event_type = 'TaskCompleted')
         ORDER BY t.task_id LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .expect("an open task that never completed");
    let (task_id, tenant, partition): (uuid::Uuid, String, i32) =
        (lost.get(0), lost.get(1), lost.get(2));
    let mut transaction = pool.begin().await.unwrap();
    for statement in [
        "DELETE FROM tasks_v1 WHERE task_id = $1",
        "DELETE FROM task_history_v1 WHERE task_id = $1",
    ] {
        sqlx::query(statement)
            .bind(task_id)
            .execute(&mut *transaction)
            .await
            .unwrap();
    }
    sqlx::query(
        "UPDATE task_stats_v1 SET task_count = task_count - 1
         WHERE tenant_id = $1 AND status = 'open' AND source_partition = $2",
    )
    .bind(&tenant)
    .bind(partition)
    .execute(&mut *transaction)
    .await
    .unwrap();
    transaction.commit().await.unwrap();

    let partition_arg = partition.to_string();
    let unconfirmed = cli(
        &env,
        &database,
        &[
            "reset",
            "tasks",
            "--to-offset",
            "0",
            "--partition",
            &partition_arg,
        ],
    )
    .await;
    assert_eq!(unconfirmed.code, 2, "{unconfirmed:?}");
    assert!(unconfirmed.stdout.contains("RESET TO"), "{unconfirmed:?}");
    assert!(unconfirmed.stderr.contains("--yes"), "{unconfirmed:?}");
    assert!(
        caught_up(&pool, V1, &topic, &ends).await,
        "nothing moved without --yes"
    );
    let future = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let nothing = cli(
        &env,
        &database,
        &["reset", "tasks", "--to-time", &future, "--yes"],
    )
    .await;
    assert_eq!(nothing.code, 0, "{nothing:?}");
    assert!(
        nothing.stdout.contains("nothing to re-apply"),
        "{nothing:?}"
    );

    let reset = cli(
        &env,
        &database,
        &[
            "reset",
            "tasks",
            "--to-offset",
            "0",
            "--partition",
            &partition_arg,
            "--yes",
        ],
    )
    .await;
    assert_eq!(reset.code, 0, "{reset:?}");
    let records = topic_records(&env).await;
    let want = expected(&records);
    eventually(
        Duration::from_secs(30),
        "the lost task is re-applied",
        || async {
            actual_version(&pool, 1).await.tasks.contains_key(&task_id)
                && caught_up(&pool, V1, &topic, &ends).await
        },
    )
    .await;
    assert_same(&actual_version(&pool, 1).await, &want);

    query.stop().await;
    projector.stop().await;
    database.drop_database().await;
}
