//! The writer's snapshots in the compacted state topic: one per stream, equal
//! to the fold of the stream's events, written in the events' transaction and
//! read on takeover instead of the history.

use std::collections::HashMap;

use events::{Snapshot, Task, TaskEvent};
use schemas::SnapshotSchemaError;
use serde_json::json;
use tests::TestEnv;
use tests::auth::DEFAULT_TENANT;
use tests::command_api::{Client, InProcess, topic_counter};
use tests::kafka::{ReadRecord, read_all, stream_events};
use tests::read_side::producer::EventProducer;
use tests::read_side::story::{Rng, TaskStory};
use uuid::Uuid;

fn state_topic(env: &TestEnv) -> String {
    platform::kafka::state_topic_of(&env.tasks_topic())
}

/// The latest snapshot of every stream, as a restore sees them. Every record
/// read validates against `snapshot.v1` and its state schema, except a later
/// build's (a state version this build has no schema for), which a restore
/// does not trust either.
fn latest_snapshots(env: &TestEnv) -> HashMap<Uuid, (ReadRecord, Snapshot)> {
    let mut latest = HashMap::new();
    for record in read_all(&env.brokers, &state_topic(env)) {
        let json: serde_json::Value =
            serde_json::from_slice(&record.payload).expect("a snapshot is JSON");
        match schemas::validate_snapshot(&json) {
            Ok(()) | Err(SnapshotSchemaError::UnknownStateVersion { .. }) => {}
            Err(error) => panic!("{error}: {json}"),
        }
        let snapshot = Snapshot::from_bytes(&record.payload).expect("a snapshot");
        latest.insert(snapshot.stream_id, (record, snapshot));
    }
    latest
}

/// Every stream's snapshot is the fold of its events, in their partition,
/// with the offsets of its first and last event.
fn assert_snapshots_equal_the_log(env: &TestEnv, streams: &[Uuid]) {
    let events = read_all(&env.brokers, &env.tasks_topic());
    let snapshots = latest_snapshots(env);
    for stream_id in streams {
        let (record, snapshot) = &snapshots[stream_id];
        let envelopes = stream_events(&events, *stream_id);
        let offsets: Vec<&ReadRecord> = events
            .iter()
            .filter(|r| r.key.as_deref() == Some(stream_id.to_string().as_str()))
            .collect();
        let folded: Task =
            events::fold::<Task>(envelopes.iter().map(|e| e.decode::<TaskEvent>().unwrap()));
        assert_eq!(snapshot.aggregate::<Task>().unwrap(), folded, "{stream_id}");
        assert_eq!(snapshot.version, envelopes.len() as u64);
        assert_eq!(record.partition, offsets[0].partition);
        assert_eq!(snapshot.first_offset, offsets[0].offset);
        assert_eq!(snapshot.last_offset, offsets.last().unwrap().offset);
        assert_eq!(snapshot.tenant_id, envelopes[0].tenant_id);
    }
}

async fn restore_counters(url: &str, env: &TestEnv) -> (u64, u64, u64) {
    (
        topic_counter(url, "command_api_restore_snapshots_total", env).await,
        topic_counter(url, "command_api_restore_events_total", env).await,
        topic_counter(url, "command_api_snapshots_backfilled_total", env).await,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_takeover_reads_snapshots_not_the_history() {
    let env = TestEnv::new();
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    let mut tasks = Vec::new();
    for i in 0..8 {
        let task = client.create_task(&format!("task {i}")).await;
        for round in 0..4 {
            let title = json!({ "title": format!("task {i}, round {round}") });
            // One keyed command per stream, so the snapshots carry `commands`.
            let key = format!("snapshot-{task}-{round}");
            let headers: &[(&str, &str)] = if round == 0 {
                &[("Idempotency-Key", &key)]
            } else {
                &[]
            };
            let renamed = client.command(task, "rename", Some(title), headers).await;
            assert_eq!(renamed.status, 200, "{renamed:?}");
        }
        tasks.push(task);
    }
    assert_snapshots_equal_the_log(&env, &tasks);
    let snapshots = latest_snapshots(&env);
    for task in &tasks {
        assert_eq!(snapshots[task].1.commands.len(), 1, "{task}");
    }
    let before = restore_counters(&api.url, &env).await;
    api.stop().await;

    let api = InProcess::start(&env).await;
    let (snapshots, events, backfilled) = restore_counters(&api.url, &env).await;
    assert!(snapshots - before.0 >= tasks.len() as u64);
    assert_eq!(
        (events - before.1, backfilled - before.2),
        (0, 0),
        "no event is replayed"
    );
    let client = Client::new(&api.url);
    for task in &tasks {
        let stale = client
            .command(*task, "complete", None, &[("If-Match", "\"4\"")])
            .await;
        assert_eq!(stale.status, 412);
        let completed = client
            .command(*task, "complete", None, &[("If-Match", "\"5\"")])
            .await;
        assert_eq!((completed.status, completed.version()), (200, 6));
    }
    assert_snapshots_equal_the_log(&env, &tasks);
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_from_before_snapshots_is_replayed_once_and_backfilled() {
    let env = TestEnv::new();
    let producer = EventProducer::new(&env).await;
    let mut stories: Vec<TaskStory> = (0..20).map(|_| TaskStory::new(DEFAULT_TENANT)).collect();
    let mut rng = Rng::new(9);
    let mut envelopes = Vec::new();
    for (i, story) in stories.iter_mut().enumerate() {
        envelopes.push(story.create(&format!("old task {i}"), &mut rng));
        envelopes.push(story.envelope(TaskEvent::Renamed {
            title: format!("old task {i}, renamed"),
        }));
    }
    producer.send_all(&envelopes).await;
    let tasks: Vec<Uuid> = stories.iter().map(|story| story.task_id).collect();

    let api = InProcess::start(&env).await;
    let (_, events, backfilled) = restore_counters(&api.url, &env).await;
    assert_eq!((events, backfilled), (40, 20));
    assert_snapshots_equal_the_log(&env, &tasks);
    api.stop().await;

    let api = InProcess::start(&env).await;
    let (_, events, backfilled) = restore_counters(&api.url, &env).await;
    assert_eq!(
        (events, backfilled),
        (40, 20),
        "the second start replays nothing"
    );
    let client = Client::new(&api.url);
    for task in &tasks {
        let completed = client
            .command(*task, "complete", None, &[("If-Match", "\"2\"")])
            .await;
        assert_eq!((completed.status, completed.version()), (200, 3));
    }
    assert_snapshots_equal_the_log(&env, &tasks);
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_this_build_cannot_read_falls_back_to_its_events() {
    let env = TestEnv::new();
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    let task = client.create_task("evolving state").await;
    let assigned = client
        .command(task, "assign", Some(json!({ "assignee": "ada" })), &[])
        .await;
    assert_eq!(assigned.status, 200);
    let other = client.create_task("untouched").await;
    api.stop().await;

    // A later build's snapshot: a state version this one does not know.
    let (record, mut snapshot) = latest_snapshots(&env).remove(&task).unwrap();
    snapshot.state_version += 1;
    snapshot.state = json!({ "shape": "from the future" });
    let producer = platform::kafka::client_config(&env.brokers)
        .create::<rdkafka::producer::FutureProducer>()
        .unwrap();
    let key = task.to_string();
    let value = snapshot.to_bytes();
    producer
        .send(
            rdkafka::producer::FutureRecord::to(&state_topic(&env))
                .partition(record.partition)
                .key(&key)
                .payload(&value),
            std::time::Duration::from_secs(10),
        )
        .await
        .unwrap();

    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    // Decided against the state folded from its events: ada is its assignee.
    let again = client
        .command(task, "assign", Some(json!({ "assignee": "ada" })), &[])
        .await;
    assert_eq!((again.status, again.version()), (200, 2), "a no-op");
    let renamed = client
        .command(
            task,
            "rename",
            Some(json!({ "title": "t" })),
            &[("If-Match", "\"2\"")],
        )
        .await;
    assert_eq!((renamed.status, renamed.version()), (200, 3));
    let untouched = client
        .command(other, "complete", None, &[("If-Match", "\"1\"")])
        .await;
    assert_eq!(untouched.status, 200);
    assert_snapshots_equal_the_log(&env, &[task, other]);
    api.stop().await;
}
