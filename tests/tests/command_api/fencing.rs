use std::time::Duration;

use rdkafka::producer::{BaseProducer, Producer};
use serde_json::json;
use tests::TestEnv;
use tests::command_api::{Client, InProcess};
use tests::kafka::{read_all, stream_events};

/// Another producer takes the transactional id of a stream's partition, as a
/// new owner would: the instance's writer is fenced, its transaction in flight
/// is aborted, and it must recover (re-fence, restore) without losing or
/// doubling anything — the command is answered once, from fresh state.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fenced_writer_recovers_without_gaps_or_duplicates() {
    let env = TestEnv::new();
    let config = tests::command_api::config(&env);
    let api = InProcess::start_with(config.clone()).await;
    let client = Client::new(&api.url);
    let task = client.create_task("fenced").await;
    assert_eq!(
        client
            .command(task, "rename", Some(json!({ "title": "one" })), &[])
            .await
            .version(),
        2
    );

    let partition =
        platform::partitioner::partition_for_key(task.to_string().as_bytes(), env.partitions);
    let transactional_id = format!("{}.{}.{partition}", config.group_id, env.tasks_topic());
    let brokers = env.brokers.clone();
    let usurper = tokio::task::spawn_blocking(move || {
        let producer: BaseProducer = platform::kafka::client_config(&brokers)
            .set("transactional.id", &transactional_id)
            .create()
            .expect("usurping producer");
        producer
            .init_transactions(Duration::from_secs(30))
            .expect("fences the writer");
        producer
    })
    .await
    .unwrap();

    // The writer only learns it was fenced when it next commits; the command
    // is retried on a fresh writer and answered once.
    let renamed = client
        .command(task, "rename", Some(json!({ "title": "two" })), &[])
        .await;
    assert_eq!(renamed.status, 200, "{renamed:?}");
    assert_eq!(renamed.version(), 3);
    let again = client
        .command(
            task,
            "rename",
            Some(json!({ "title": "three" })),
            &[("If-Match", "\"3\"")],
        )
        .await;
    assert_eq!((again.status, again.version()), (200, 4), "{again:?}");
    drop(usurper);
    // Proof the fenced path ran: the first attempt's batch failed as unavailable.
    let metrics = client
        .http()
        .get(format!("{}/metrics", api.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let fenced_attempts: f64 = metrics
        .lines()
        .find(|line| {
            line.starts_with(
                r#"command_api_commands_total{command="rename",outcome="unavailable"}"#,
            )
        })
        .and_then(|line| line.rsplit(' ').next()?.parse().ok())
        .unwrap_or(0.0);
    assert!(fenced_attempts >= 1.0, "the writer was never fenced");

    let events = stream_events(&read_all(&env.brokers, &env.tasks_topic()), task);
    let titles: Vec<(u64, &str)> = events
        .iter()
        .map(|e| (e.version, e.data["title"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(
        titles,
        vec![(1, "fenced"), (2, "one"), (3, "two"), (4, "three")]
    );
    api.stop().await;
}
