//! A third aggregate registered purely from this test through the public
//! seams, with no platform crate edited: its commands go in through the
//! command API's mount, its events come out on its own topic, its
//! projection runs in a projector built with it, and a query reads it.

mod counter;
mod projection;

use std::time::Duration;

use command_api::CommandApi;
use serde_json::json;
use tests::TestEnv;
use tests::command_api::{Client, InProcess as CommandApiProcess, config};
use tests::kafka::read_all;
use tests::read_side::database::TestDatabase;
use tests::read_side::eventually;
use tests::read_side::services::projector_config;

use counter::Counter;
use projection::Counters;

const ACME: &[(&str, &str)] = &[("X-Tenant-Id", "acme"), ("X-Actor", "ada")];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_toy_aggregate_goes_from_command_to_query_through_the_public_seams() {
    let env = TestEnv::new();
    let database = TestDatabase::create().await;
    let pool = database.pool().await;
    read_model::migrations::run(&pool).await.unwrap();
    Counters::V1.create_table(&pool).await;

    // Commands in: mounted beside tasks.
    let commands = CommandApi::builder(config(&env))
        .mount_with(command_api::registration::task())
        .mount::<Counter>()
        .build()
        .await
        .expect("the command API starts with the toy mounted");
    let commands = CommandApiProcess::run(commands).await;
    let client = Client::new(&commands.url);
    let opened = client.post("/v1/counters", Some(json!({})), ACME).await;
    assert_eq!(opened.status, 201, "{opened:?}");
    let counter = opened.body["counter_id"].as_str().unwrap().to_owned();
    for by in [2, 3, 5] {
        let reply = client
            .post(
                &format!("/v1/counters/{counter}/increment"),
                Some(json!({ "by": by })),
                ACME,
            )
            .await;
        assert_eq!(reply.status, 200, "{reply:?}");
    }
    let refused = client
        .post(
            &format!("/v1/counters/{counter}/increment"),
            Some(json!({ "by": 0 })),
            ACME,
        )
        .await;
    assert_eq!(refused.status, 400, "{refused:?}");

    // Its routes are in the served document, beside the tasks'.
    let document = client
        .raw(client.http().get(format!("{}/openapi.json", commands.url)))
        .await;
    let paths = document.body["paths"].as_object().unwrap();
    assert!(paths.contains_key("/v1/counters"));
    assert!(paths.contains_key("/v1/counters/{id}/{command}"));
    assert!(paths.contains_key("/v1/tasks"));

    // Events out: on its own topic, and none on the tasks topic.
    let topic = format!("{}counters", env.topic_prefix);
    let records = tokio::task::spawn_blocking({
        let (brokers, topic) = (env.brokers.clone(), topic.clone());
        move || read_all(&brokers, &topic)
    })
    .await
    .unwrap();
    let types: Vec<String> = records.iter().map(|r| r.envelope().event_type).collect();
    assert_eq!(
        types,
        [
            "CounterOpened",
            "CounterIncremented",
            "CounterIncremented",
            "CounterIncremented"
        ]
    );
    assert_eq!(records[0].envelope().stream_type, "counter");
    assert_eq!(records[0].envelope().stream_id.to_string(), counter);

    // A projection: a projector built with the toy's projection only.
    let projector = projector::Application::builder(projector_config(&env, &database))
        .register(Counters::V1)
        .build()
        .await
        .expect("the projector starts with the toy's projection");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let projector = tokio::spawn(projector.run_until_stopped(async {
        let _ = stopped.await;
    }));
    eventually(
        Duration::from_secs(30),
        "the projection folds the counter",
        || {
            let (pool, counter) = (pool.clone(), counter.clone());
            async move {
                sqlx::query_as::<_, (i64, i64)>(
                    "SELECT total, version FROM counters_v1 WHERE counter_id = $1::uuid",
                )
                .bind(&counter)
                .fetch_optional(&pool)
                .await
                .unwrap()
                    == Some((10, 4))
            }
        },
    )
    .await;

    let _ = stop.send(());
    let _ = projector.await;
    commands.stop().await;
}
