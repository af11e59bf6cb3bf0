use serde_json::json;
use tests::TestEnv;
use tests::command_api::{Client, InProcess};
use tests::kafka::{read_all, stream_events};

/// A key retried 10 times, then 10 more times after a restart: one event, and
/// every retry gets the first response.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retried_key_has_one_effect_across_restarts() {
    let env = TestEnv::new();
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);

    let headers = [("Idempotency-Key", "create-once")];
    let first = client
        .post("/v1/tasks", Some(json!({ "title": "once" })), &headers)
        .await;
    assert_eq!(first.status, 201, "{first:?}");
    let task: uuid::Uuid = first.body["task_id"].as_str().unwrap().parse().unwrap();
    let rename_headers = [("Idempotency-Key", "rename-once")];
    let renamed = client
        .command(
            task,
            "rename",
            Some(json!({ "title": "renamed" })),
            &rename_headers,
        )
        .await;
    assert_eq!(renamed.status, 200);

    for _ in 0..10 {
        let retry = client
            .post("/v1/tasks", Some(json!({ "title": "once" })), &headers)
            .await;
        assert_eq!((retry.status, &retry.body), (201, &first.body));
        assert_eq!(retry.headers["idempotent-replayed"], "true");
        let retry = client
            .command(
                task,
                "rename",
                Some(json!({ "title": "renamed" })),
                &rename_headers,
            )
            .await;
        assert_eq!((retry.status, &retry.body), (200, &renamed.body));
    }

    api.stop().await;
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    for _ in 0..10 {
        let retry = client
            .post("/v1/tasks", Some(json!({ "title": "once" })), &headers)
            .await;
        assert_eq!((retry.status, &retry.body), (201, &first.body));
        let retry = client
            .command(
                task,
                "rename",
                Some(json!({ "title": "renamed" })),
                &rename_headers,
            )
            .await;
        assert_eq!((retry.status, &retry.body), (200, &renamed.body));
    }

    let events = stream_events(&read_all(&env.brokers, &env.tasks_topic()), task);
    assert_eq!(
        events
            .iter()
            .map(|e| e.event_type.as_str())
            .collect::<Vec<_>>(),
        ["TaskCreated", "TaskRenamed"]
    );
    api.stop().await;
}

/// The same key with a different command is refused with 422, also after a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reused_key_with_another_command_is_refused() {
    let env = TestEnv::new();
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    let headers = [("Idempotency-Key", "k-1")];
    let first = client
        .post("/v1/tasks", Some(json!({ "title": "first" })), &headers)
        .await;
    assert_eq!(first.status, 201);
    let task: uuid::Uuid = first.body["task_id"].as_str().unwrap().parse().unwrap();

    let other = client
        .post("/v1/tasks", Some(json!({ "title": "second" })), &headers)
        .await;
    assert_eq!(other.status, 422, "{other:?}");
    assert_eq!(other.error_code(), "idempotency_key_reused");
    let other = client.command(task, "complete", None, &headers).await;
    assert_eq!(other.status, 422, "{other:?}");

    api.stop().await;
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    let other = client
        .command(task, "rename", Some(json!({ "title": "x" })), &headers)
        .await;
    assert_eq!(other.status, 422, "{other:?}");

    let events = stream_events(&read_all(&env.brokers, &env.tasks_topic()), task);
    assert_eq!(events.len(), 1);
    api.stop().await;
}

/// A key belongs to the tenant, not to one task: reused on another task it is
/// refused too, also by an instance that starts later; another tenant may use
/// it for its own tasks, never on this tenant's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_reused_on_another_task_is_refused() {
    let env = TestEnv::new();
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    let first = client.create_task("first").await;
    let second = client.create_task("second").await;
    let headers = [("Idempotency-Key", "k-shared")];
    let renamed = client
        .command(first, "rename", Some(json!({ "title": "x" })), &headers)
        .await;
    assert_eq!(renamed.status, 200);

    let elsewhere = client
        .command(second, "rename", Some(json!({ "title": "x" })), &headers)
        .await;
    assert_eq!(
        (elsewhere.status, elsewhere.error_code()),
        (422, "idempotency_key_reused"),
        "{elsewhere:?}"
    );
    let create = client
        .post("/v1/tasks", Some(json!({ "title": "x" })), &headers)
        .await;
    assert_eq!(create.status, 422, "{create:?}");
    // Another tenant cannot touch this tenant's task, key or no key...
    let other_tenant = [("Idempotency-Key", "k-shared"), ("X-Tenant-Id", "other")];
    let trespass = client
        .command(
            second,
            "rename",
            Some(json!({ "title": "y" })),
            &other_tenant,
        )
        .await;
    assert_eq!(
        (trespass.status, trespass.error_code()),
        (404, "task_not_found"),
        "{trespass:?}"
    );
    // ...but the key is free in its own namespace.
    let own = client
        .post(
            "/v1/tasks",
            Some(json!({ "title": "theirs" })),
            &other_tenant,
        )
        .await;
    assert_eq!(own.status, 201, "{own:?}");

    api.stop().await;
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    let elsewhere = client.command(second, "complete", None, &headers).await;
    assert_eq!(elsewhere.status, 422, "{elsewhere:?}");
    let retry = client
        .command(first, "rename", Some(json!({ "title": "x" })), &headers)
        .await;
    assert_eq!((retry.status, &retry.body), (200, &renamed.body));

    let second_events = stream_events(&read_all(&env.brokers, &env.tasks_topic()), second);
    assert_eq!(
        second_events.len(),
        1,
        "created, and nothing else: the other tenant's rename was refused"
    );
    api.stop().await;
}
