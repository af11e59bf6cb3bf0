//! Resolving parked events with `projector parked list|retry|skip`, against
//! the real Kafka and PostgreSQL: retrying a stream after a fix, and
//! skipping its first parked event, while the query API tells a reader whose
//! write is parked. (How events get parked is in `projector_records.rs`.)

use std::time::Duration;

use events::Envelope;
use events::task::TaskEvent;
use read_model::parked::ParkedEvent;
use serde_json::{Value, json};
use sqlx::{PgPool, Row};
use tests::TestEnv;
use tests::read_side::cli::projector_cli;
use tests::read_side::database::{TestDatabase, caught_up};
use tests::read_side::eventually;
use tests::read_side::next_deploy::NextDeploy;
use tests::read_side::producer::EventProducer;
use tests::read_side::services::{InProcess, PROJECTION, projector_config};
use tests::read_side::story::{Rng, TaskStory};

const PROJECTOR: &str = env!("CARGO_BIN_EXE_test-projector");

async fn task(pool: &PgPool, task_id: uuid::Uuid) -> Option<(i64, String, String)> {
    sqlx::query("SELECT version, title, status FROM tasks_v1 WHERE task_id = $1")
        .bind(task_id)
        .fetch_optional(pool)
        .await
        .unwrap()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
}

async fn parked_events(pool: &PgPool) -> Vec<ParkedEvent> {
    read_model::parked::list(pool, Some(PROJECTION), true)
        .await
        .unwrap()
}

async fn readiness(url: &str) -> Value {
    reqwest::get(format!("{url}/readyz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_the_fix_applies_the_parked_stream_in_order_and_unparks_it() {
    let env = TestEnv::with_partitions(2);
    let database = TestDatabase::create().await;
    let producer = EventProducer::new(&env).await;
    let topic = env.tasks_topic();
    let mut rng = Rng::new(21);

    // A task created by a newer writer, at a schema version this build cannot
    // read, then renamed and completed: the whole stream waits.
    let mut newer = TaskStory::new("acme");
    let mut created = newer.create("ignored", &mut rng);
    created.schema_version = 9;
    created.data = json!({ "name": "From the future", "description": null, "priority": "high",
                           "due_date": null, "assignee": null, "tags": ["v9"] });
    producer.send(&created).await;
    producer
        .send(&newer.envelope(TaskEvent::Renamed {
            title: "Renamed later".into(),
        }))
        .await;
    let (partition, completed_offset) = producer.send(&newer.envelope(TaskEvent::Completed)).await;
    let mut fine = TaskStory::new("acme");
    producer.send(&fine.create("fine", &mut rng)).await;
    let ends = producer.ends();

    let projector = InProcess::projector(tasks_only(projector_config(&env, &database))).await;
    let query = InProcess::query_api(&env, &database).await;
    let pool = database.pool().await;
    eventually(Duration::from_secs(30), "the log is worked off", || {
        caught_up(&pool, PROJECTION, &topic, &ends)
    })
    .await;
    assert_eq!(task(&pool, newer.task_id).await, None);
    assert!(task(&pool, fine.task_id).await.is_some());

    // `parked list` shows the three; the first says why.
    let listed = projector_cli(
        &env,
        &database,
        PROJECTOR,
        &["parked", "list", "--json"],
        Duration::from_secs(30),
    )
    .await;
    assert_eq!(listed.code, 0, "{listed:?}");
    let listed = listed.json();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert!(
        listed[0]["error"]
            .as_str()
            .unwrap()
            .contains("unsupported schema version 9"),
        "{}",
        listed[0]
    );
    let first = listed[0]["id"].as_i64().unwrap();
    let text = projector_cli(
        &env,
        &database,
        PROJECTOR,
        &["parked", "list"],
        Duration::from_secs(30),
    )
    .await;
    assert!(text.stdout.contains(&newer.task_id.to_string()), "{text:?}");

    // A reader waiting for the completion learns it is parked, not missing.
    let token = format!("{topic}:{partition}:{completed_offset}");
    let read = tests::auth::client_for("acme", "anonymous")
        .get(format!("{}/v1/tasks/{}", query.url, newer.task_id))
        .header("X-Consistency-Token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 404);
    assert_eq!(read.headers()["x-consistency"].to_str().unwrap(), "parked");

    // Retrying with this build changes nothing: the stream stays parked.
    let retried = projector_cli(
        &env,
        &database,
        PROJECTOR,
        &["parked", "retry", &first.to_string()],
        Duration::from_secs(30),
    )
    .await;
    assert_eq!(retried.code, 1, "{retried:?}");
    assert!(
        retried.stdout.contains("still cannot be applied"),
        "{retried:?}"
    );
    assert!(
        parked_events(&pool)
            .await
            .iter()
            .all(|p| p.status == "parked")
    );

    // The fix is deployed: a retry applies the three in order.
    let released = projector::parked::retry(&pool, &NextDeploy, first)
        .await
        .unwrap();
    assert!(released.unparked(), "{released:?}");
    assert_eq!(released.applied.len(), 3);
    assert_eq!(
        task(&pool, newer.task_id).await,
        Some((3, "Renamed later".to_owned(), "completed".to_owned()))
    );
    let resolved = parked_events(&pool).await;
    assert!(
        resolved
            .iter()
            .all(|p| p.status == "retried" && p.resolved_at.is_some()),
        "{resolved:?}"
    );
    let read = tests::auth::client_for("acme", "anonymous")
        .get(format!("{}/v1/tasks/{}", query.url, newer.task_id))
        .header("X-Consistency-Token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    assert_eq!(
        read.headers()["x-consistency"].to_str().unwrap(),
        "consistent"
    );
    assert_eq!(readiness(&projector.url).await["status"], "ready");

    // The stream flows again: its next event is applied as usual.
    let (_, reopened_offset) = producer.send(&newer.envelope(TaskEvent::Reopened)).await;
    eventually(
        Duration::from_secs(30),
        "the next event is applied",
        || async {
            task(&pool, newer.task_id)
                .await
                .is_some_and(|(version, _, _)| version == 4)
        },
    )
    .await;
    assert!(
        parked_events(&pool)
            .await
            .iter()
            .all(|p| p.offset != reopened_offset)
    );

    query.stop().await;
    projector.stop().await;
    database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skipping_the_first_parked_event_records_who_and_why_and_releases_the_rest() {
    let env = TestEnv::with_partitions(2);
    let database = TestDatabase::create().await;
    let producer = EventProducer::new(&env).await;
    let topic = env.tasks_topic();
    let mut rng = Rng::new(22);

    // A rename nobody can read (schema version 9), then two more events.
    let mut story = TaskStory::new("acme");
    producer
        .send(&story.create("Original title", &mut rng))
        .await;
    let mut unreadable: Envelope = story.envelope(TaskEvent::Renamed {
        title: "never seen".into(),
    });
    unreadable.schema_version = 9;
    producer.send(&unreadable).await;
    producer.send(&story.envelope(TaskEvent::Completed)).await;
    producer.send(&story.envelope(TaskEvent::Reopened)).await;
    let ends = producer.ends();

    let projector = InProcess::projector(tasks_only(projector_config(&env, &database))).await;
    let pool = database.pool().await;
    eventually(Duration::from_secs(30), "the log is worked off", || {
        caught_up(&pool, PROJECTION, &topic, &ends)
    })
    .await;
    let waiting = parked_events(&pool).await;
    assert_eq!(waiting.len(), 3);
    let (first, second) = (waiting[0].id.to_string(), waiting[1].id.to_string());
    let cli = |args: Vec<String>| {
        let (env, database) = (&env, &database);
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            projector_cli(env, database, PROJECTOR, &args, Duration::from_secs(30)).await
        }
    };
    let args = |line: &[&str]| line.iter().map(|s| s.to_string()).collect::<Vec<_>>();

    // Who and why are required; only the stream's first parked event can be skipped.
    let no_reason = cli(args(&["parked", "skip", &first, "--by", "ada"])).await;
    assert_eq!(no_reason.code, 2, "{no_reason:?}");
    let not_first = cli(args(&[
        "parked",
        "skip",
        &second,
        "--by",
        "ada",
        "--reason",
        "wrong one",
    ]))
    .await;
    assert_eq!(not_first.code, 1, "{not_first:?}");
    assert!(not_first.stderr.contains("waits behind"), "{not_first:?}");
    assert!(
        parked_events(&pool)
            .await
            .iter()
            .all(|p| p.status == "parked")
    );

    let skipped = cli(args(&[
        "parked",
        "skip",
        &first,
        "--by",
        "ada",
        "--reason",
        "renames at v9 were a test client's",
    ]))
    .await;
    assert_eq!(skipped.code, 0, "{skipped:?}");
    let resolved = parked_events(&pool).await;
    assert_eq!(resolved[0].status, "skipped");
    assert_eq!(resolved[0].skipped_by.as_deref(), Some("ada"));
    assert_eq!(
        resolved[0].skip_reason.as_deref(),
        Some("renames at v9 were a test client's")
    );
    assert!(resolved[0].resolved_at.is_some());
    assert!(resolved[1..].iter().all(|p| p.status == "retried"));
    // The skipped rename counts as applied without effect: the later events follow it.
    assert_eq!(
        task(&pool, story.task_id).await,
        Some((4, "Original title".to_owned(), "open".to_owned()))
    );
    let skip_again = cli(args(&[
        "parked", "skip", &first, "--by", "ada", "--reason", "again",
    ]))
    .await;
    assert_eq!(skip_again.code, 1, "{skip_again:?}");
    assert!(skip_again.stderr.contains("not parked"), "{skip_again:?}");

    projector.stop().await;
    database.drop_database().await;
}

/// These tests are about the `tasks` projection alone: the `projects`
/// projection, which reads the same topic, would park the same records.
fn tasks_only(mut config: projector::Config) -> projector::Config {
    config.projections = Some(vec!["tasks".into()]);
    config
}
