//! A third aggregate registered purely from this test through the public
//! seams, with no platform crate edited: its commands go in through the
//! command API's mount, its events come out on its own topic, its
//! projection runs in a projector built with it, and a query reads it.

mod counter;
mod projection;
mod query;

use std::time::Duration;

use command_api::CommandApi;
use serde_json::json;
use tests::TestEnv;
use tests::command_api::{Client, InProcess as CommandApiProcess, config};
use tests::kafka::read_all;
use tests::read_side::database::TestDatabase;
use tests::read_side::eventually;
use tests::read_side::services::{InProcess, projector_config, query_api_config};

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

    // A query: the toy's route mounted in the query API, reading its own
    // writes with the position token the last command returned.
    let query = query_api::Application::builder(query_api_config(&env, &database))
        .mount(query::MOUNT)
        .build()
        .await
        .expect("the query API starts with the toy's route");
    let query = InProcess::run_query_api(query).await;
    let incremented = client
        .post(
            &format!("/v1/counters/{counter}/increment"),
            Some(json!({ "by": 32 })),
            ACME,
        )
        .await;
    assert_eq!(incremented.status, 200, "{incremented:?}");
    let token = incremented.body["position"].as_str().unwrap().to_owned();
    let read = tests::auth::client_for("acme", "ada")
        .get(format!("{}/v1/counters/{counter}", query.url))
        .header("X-Consistency-Token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    assert_eq!(read.headers()["x-consistency"], "consistent");
    assert_eq!(read.headers()["x-projection-version"], "counters.v1");
    let body: serde_json::Value = read.json().await.unwrap();
    assert_eq!(
        (body["total"].as_i64(), body["version"].as_i64()),
        (Some(42), Some(5))
    );
    let foreign = tests::auth::client_for("evil", "eve")
        .get(format!("{}/v1/counters/{counter}", query.url))
        .send()
        .await
        .unwrap();
    assert_eq!(
        foreign.status(),
        404,
        "another tenant's counter is not found"
    );

    query.stop().await;
    let _ = stop.send(());
    let _ = projector.await;
    commands.stop().await;
}
