//! The projector against the real Kafka and PostgreSQL: what it does with
//! each kind of record — older schema versions, records it cannot read and
//! events it cannot apply (parked, with the later events of their streams,
//! while every other stream flows). Resolving parked events is in
//! `projector_parked.rs`.

use std::time::Duration;

use events::task::TaskEvent;
use serde_json::{Value, json};
use sqlx::Row;
use tests::TestEnv;
use tests::command_api::wait_ready;
use tests::kafka::read_all;
use tests::read_side::cli::projector_cli;
use tests::read_side::database::{TestDatabase, caught_up};
use tests::read_side::eventually;
use tests::read_side::model::{actual, assert_same, expected};
use tests::read_side::producer::EventProducer;
use tests::read_side::services::{InProcess, PROJECTION, ProjectorProcess, projector_config};
use tests::read_side::story::{Rng, TaskStory, backlog};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_created_v1_in_the_topic_is_upcast_and_projected() {
    let env = TestEnv::with_partitions(2);
    let database = TestDatabase::create().await;
    let producer = EventProducer::new(&env).await;

    // Written raw, as the system of before priorities and tags did.
    let mut story = TaskStory::new("legacy");
    let mut created = story.create("Legacy task", &mut Rng::new(1));
    created.schema_version = 1;
    created.data = json!({ "title": "Legacy task", "description": "old", "due_date": "2023-01-31", "assignee": "carol" });
    let tagged = story.envelope(TaskEvent::TagAdded {
        tag: "migrated".into(),
    });
    producer.send(&created).await;
    producer.send(&tagged).await;

    let projector = InProcess::projector(tasks_only(projector_config(&env, &database))).await;
    let pool = database.pool().await;
    let (ends, topic) = (producer.ends(), env.tasks_topic());
    eventually(
        Duration::from_secs(30),
        "the projection applies both events",
        || caught_up(&pool, PROJECTION, &topic, &ends),
    )
    .await;

    let row = sqlx::query("SELECT title, priority, tags, assignee, version, tenant_id FROM tasks_v1 WHERE task_id = $1")
        .bind(story.task_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("title"), "Legacy task");
    assert_eq!(
        row.get::<String, _>("priority"),
        "normal",
        "v1 had no priority: upcast to normal"
    );
    assert_eq!(row.get::<Vec<String>, _>("tags"), ["migrated"]);
    assert_eq!(
        row.get::<Option<String>, _>("assignee").as_deref(),
        Some("carol")
    );
    assert_eq!(row.get::<i64, _>("version"), 2);
    assert_eq!(row.get::<String, _>("tenant_id"), "legacy");

    let history = sqlx::query(
        "SELECT schema_version, recorded_schema_version, data FROM task_history_v1 WHERE task_id = $1 AND version = 1",
    )
    .bind(story.task_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(history.get::<i32, _>("recorded_schema_version"), 1);
    assert_eq!(
        history.get::<i32, _>("schema_version"),
        TaskEvent::TASK_CREATED_VERSION as i32
    );
    assert_eq!(history.get::<Value, _>("data")["priority"], "normal");
    assert_eq!(history.get::<Value, _>("data")["project_id"], Value::Null);

    projector.stop().await;
    database.drop_database().await;
}

const PROJECTOR: &str = env!("CARGO_BIN_EXE_test-projector");

async fn task_version(pool: &sqlx::PgPool, task_id: uuid::Uuid) -> Option<i64> {
    sqlx::query("SELECT version FROM tasks_v1 WHERE task_id = $1")
        .bind(task_id)
        .fetch_optional(pool)
        .await
        .unwrap()
        .map(|row| row.get::<i64, _>(0))
}

async fn get_json(url: &str) -> (u16, Value) {
    let response = tests::auth::client()
        .get(url)
        .send()
        .await
        .expect("the projector answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The entry of `GET /v1/projections` for `projection`.
async fn projection_status(url: &str, projection: &str) -> Value {
    let (_, body) = get_json(&format!("{url}/v1/projections")).await;
    body["projections"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|entry| entry["projection"] == projection)
        .cloned()
        .unwrap_or(Value::Null)
}

/// A task of `tenant` whose stream lives in `partition`.
fn story_in(producer: &EventProducer, partition: i32, tenant: &str) -> TaskStory {
    loop {
        let story = TaskStory::new(tenant);
        if producer.partition_of(story.task_id) == partition {
            return story;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undecodable_record_is_parked_with_the_rest_of_its_stream_while_others_flow() {
    let env = TestEnv::with_partitions(3);
    let database = TestDatabase::create().await;
    let producer = EventProducer::new(&env).await;
    let topic = env.tasks_topic();
    producer.send_all(&backlog(30, 3, 2, 7)).await;

    // A task whose second record is garbage, followed by two more of its events.
    let mut rng = Rng::new(11);
    let partition = 1;
    let mut poisoned = story_in(&producer, partition, "tenant-0");
    producer.send(&poisoned.create("poisoned", &mut rng)).await;
    let key = poisoned.task_id.to_string();
    let garbage: &[u8] = b"{ not an envelope";
    let garbage_offset = producer.send_raw(partition, &key, garbage).await;
    let renamed = poisoned.envelope(TaskEvent::Renamed {
        title: "after the garbage".into(),
    });
    let (_, renamed_offset) = producer.send(&renamed).await;
    let (_, completed_offset) = producer
        .send(&poisoned.envelope(TaskEvent::Completed))
        .await;
    // Garbage without a key: its stream is unknown, so it parks alone.
    let keyless_offset = producer.send_value(partition, None, &[0, 1]).await;
    // Other tasks of the same partition, written after all that.
    let mut others = Vec::new();
    for i in 0..3 {
        let mut story = story_in(&producer, partition, "tenant-1");
        producer
            .send(&story.create(&format!("behind the garbage {i}"), &mut rng))
            .await;
        others.push(story.task_id);
    }
    let ends = producer.ends();

    // Its own process: the gauge checked below is this projector's alone.
    let projector = ProjectorProcess::spawn(
        &env,
        &database,
        PROJECTOR,
        &[("PROJECTOR_PROJECTIONS", "tasks")],
    );
    wait_ready(&projector.url).await;
    let pool = database.pool().await;
    eventually(
        Duration::from_secs(30),
        "every checkpoint moves past its partition's records, parked or applied",
        || caught_up(&pool, PROJECTION, &topic, &ends),
    )
    .await;

    assert_eq!(
        task_version(&pool, poisoned.task_id).await,
        Some(1),
        "the task stops before its garbage"
    );
    for task_id in &others {
        assert_eq!(
            task_version(&pool, *task_id).await,
            Some(1),
            "other streams of the partition flow"
        );
    }
    let parked = read_model::parked::list(&pool, Some(PROJECTION), true)
        .await
        .unwrap();
    let offsets: Vec<i64> = parked.iter().map(|p| p.offset).collect();
    assert_eq!(
        offsets,
        [
            garbage_offset,
            renamed_offset,
            completed_offset,
            keyless_offset
        ]
    );
    let at = |offset: i64| parked.iter().find(|p| p.offset == offset).unwrap();
    let head = at(garbage_offset);
    assert_eq!(
        (
            head.status.as_str(),
            head.partition,
            head.stream_id.as_deref()
        ),
        ("parked", partition, Some(key.as_str()))
    );
    assert!(head.error.contains("cannot be decoded"), "{}", head.error);
    assert_eq!(head.record_key.as_deref(), Some(key.as_bytes()));
    assert_eq!(head.record_value.as_deref(), Some(garbage));
    assert_eq!(head.headers, json!([]));
    assert_eq!(
        at(renamed_offset).record_value.as_deref(),
        Some(&renamed.to_json_bytes()[..]),
        "the raw value is kept for a retry"
    );
    for behind in [renamed_offset, completed_offset] {
        let behind = at(behind);
        assert_eq!(behind.stream_id.as_deref(), Some(key.as_str()));
        assert!(
            behind.error.contains(&format!(
                "waits behind the parked event at offset {garbage_offset}"
            )),
            "{}",
            behind.error
        );
    }
    let keyless = at(keyless_offset);
    assert_eq!(
        (keyless.stream_id.as_deref(), keyless.record_key.as_deref()),
        (None, None)
    );

    // Reported: ready but degraded, with the count; the gauge and the status say so too.
    let (status, readyz) = get_json(&format!("{}/readyz", projector.url)).await;
    assert_eq!(status, 200, "{readyz}");
    assert_eq!(readyz["status"], "degraded");
    assert_eq!(readyz["parked_events"], 4);
    eventually(
        Duration::from_secs(10),
        "the gauge counts the parked events",
        || async {
            let metrics = reqwest::get(format!("{}/metrics", projector.url))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            metrics.lines().any(|line| {
                line == format!("projector_parked_events{{projection=\"{PROJECTION}\"}} 4")
            })
        },
    )
    .await;
    eventually(
        Duration::from_secs(10),
        "the status says parked",
        || async {
            let status = projection_status(&projector.url, PROJECTION).await;
            status["state"] == "parked" && status["parked_events"] == 4
        },
    )
    .await;

    // The operator skips the garbage: the task's events behind it follow.
    let skip = |id: i64, by: &'static str| {
        let id = id.to_string();
        let (env, database) = (&env, &database);
        async move {
            projector_cli(
                env,
                database,
                PROJECTOR,
                &[
                    "parked",
                    "skip",
                    &id,
                    "--by",
                    by,
                    "--reason",
                    "not an event",
                ],
                Duration::from_secs(30),
            )
            .await
        }
    };
    let skipped = skip(head.id, "ada").await;
    assert_eq!(skipped.code, 0, "{skipped:?}");
    assert!(skipped.stdout.contains("no longer parked"), "{skipped:?}");
    assert_eq!(task_version(&pool, poisoned.task_id).await, Some(3));
    let (_, readyz) = get_json(&format!("{}/readyz", projector.url)).await;
    assert_eq!(
        (readyz["status"].as_str(), readyz["parked_events"].as_i64()),
        (Some("degraded"), Some(1)),
        "the keyless garbage is still parked"
    );
    let skipped = skip(keyless.id, "bob").await;
    assert_eq!(skipped.code, 0, "{skipped:?}");
    let (status, readyz) = get_json(&format!("{}/readyz", projector.url)).await;
    assert_eq!((status, readyz["status"].as_str()), (200, Some("ready")));

    let resolved = read_model::parked::list(&pool, Some(PROJECTION), true)
        .await
        .unwrap();
    let statuses: Vec<(&str, Option<&str>)> = resolved
        .iter()
        .map(|p| (p.status.as_str(), p.skipped_by.as_deref()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("skipped", Some("ada")),
            ("retried", None),
            ("retried", None),
            ("skipped", Some("bob"))
        ]
    );
    assert!(resolved.iter().all(|p| p.resolved_at.is_some()));
    assert_eq!(resolved[0].skip_reason.as_deref(), Some("not an event"));

    // Every decodable event is now applied, exactly as the fold of the topic says.
    let records = tokio::task::spawn_blocking({
        let (brokers, topic) = (env.brokers.clone(), topic.clone());
        move || read_all(&brokers, &topic)
    })
    .await
    .unwrap();
    assert_same(&actual(&pool).await, &expected(&records));
    drop(projector);
    database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_that_cannot_be_applied_are_parked_with_the_rest_of_their_stream() {
    let env = TestEnv::with_partitions(2);
    let database = TestDatabase::create().await;
    let producer = EventProducer::new(&env).await;
    let topic = env.tasks_topic();
    let mut rng = Rng::new(3);
    let partition = 0;

    // Version 2 never made it into the log: version 3 cannot follow version 1.
    let mut gapped = story_in(&producer, partition, "gaps");
    producer.send(&gapped.create("gapped", &mut rng)).await;
    let _lost = gapped.envelope(TaskEvent::Completed);
    let (_, gap_offset) = producer.send(&gapped.envelope(TaskEvent::Reopened)).await;
    let (_, after_gap_offset) = producer.send(&gapped.envelope(TaskEvent::Archived)).await;
    // A title PostgreSQL refuses (text cannot hold NUL): the batch it is in
    // is applied again record by record to find it.
    let mut refused = story_in(&producer, partition, "gaps");
    producer.send(&refused.create("refused", &mut rng)).await;
    let (_, refused_offset) = producer
        .send(&refused.envelope(TaskEvent::Renamed {
            title: "nul \u{0} inside".into(),
        }))
        .await;
    let (_, after_refused_offset) = producer.send(&refused.envelope(TaskEvent::Completed)).await;
    // Other tasks in the same partition, before and after.
    let mut fine = Vec::new();
    for i in 0..4 {
        let mut story = story_in(&producer, partition, "gaps");
        producer
            .send(&story.create(&format!("fine {i}"), &mut rng))
            .await;
        producer.send(&story.envelope(TaskEvent::Completed)).await;
        fine.push(story.task_id);
    }
    let ends = producer.ends();

    let projector = InProcess::projector(tasks_only(projector_config(&env, &database))).await;
    let pool = database.pool().await;
    eventually(
        Duration::from_secs(30),
        "the partition's checkpoint moves past everything",
        || caught_up(&pool, PROJECTION, &topic, &ends),
    )
    .await;

    assert_eq!(task_version(&pool, gapped.task_id).await, Some(1));
    assert_eq!(task_version(&pool, refused.task_id).await, Some(1));
    for task_id in &fine {
        assert_eq!(
            task_version(&pool, *task_id).await,
            Some(2),
            "other tasks flow"
        );
    }
    let parked = read_model::parked::list(&pool, Some(PROJECTION), false)
        .await
        .unwrap();
    let summary: Vec<(i64, Option<String>)> = parked
        .iter()
        .map(|p| (p.offset, p.stream_id.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (gap_offset, Some(gapped.task_id.to_string())),
            (after_gap_offset, Some(gapped.task_id.to_string())),
            (refused_offset, Some(refused.task_id.to_string())),
            (after_refused_offset, Some(refused.task_id.to_string())),
        ]
    );
    assert!(parked[0].error.contains("gap"), "{}", parked[0].error);
    assert!(
        parked[1].error.contains("waits behind"),
        "{}",
        parked[1].error
    );
    assert!(
        parked[2].error.contains("the database refuses it"),
        "{}",
        parked[2].error
    );
    assert!(
        parked[3].error.contains("waits behind"),
        "{}",
        parked[3].error
    );

    eventually(
        Duration::from_secs(10),
        "the status counts them",
        || async { projection_status(&projector.url, PROJECTION).await["parked_events"] == 4 },
    )
    .await;
    let (status, readyz) = get_json(&format!("{}/readyz", projector.url)).await;
    assert_eq!((status, readyz["status"].as_str()), (200, Some("degraded")));

    projector.stop().await;
    database.drop_database().await;
}

/// These tests are about the `tasks` projection alone: the `projects`
/// projection, which reads the same topic, would park the same records.
fn tasks_only(mut config: projector::Config) -> projector::Config {
    config.projections = Some(vec!["tasks".into()]);
    config
}
