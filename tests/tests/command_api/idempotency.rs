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

/// Two first uses of one key on two tasks, at the same instant, through two
/// instances: the key's one writer decides both, so exactly one succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_first_uses_on_two_instances_have_one_winner() {
    let env = TestEnv::new();
    let first_api = InProcess::start(&env).await;
    let second_api = InProcess::start(&env).await;
    let (one, other) = (Client::new(&first_api.url), Client::new(&second_api.url));
    let first = one.create_task("first").await;
    let second = one.create_task("second").await;
    for trial in 0..30 {
        let key = format!("k-race-{trial}");
        let headers = [("Idempotency-Key", key.as_str())];
        let title = json!({ "title": format!("trial {trial}") });
        let (a, b) = tokio::join!(
            one.command(first, "rename", Some(title.clone()), &headers),
            other.command(second, "rename", Some(title.clone()), &headers),
        );
        let mut statuses = [a.status, b.status];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 422], "trial {trial}: {a:?} {b:?}");
    }
    first_api.stop().await;
    second_api.stop().await;
}

/// A key is remembered for IDEMPOTENCY_KEY_RETENTION, then free again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_is_forgotten_after_its_retention() {
    let env = TestEnv::new();
    let mut config = tests::command_api::config(&env);
    config.key_retention = Some(std::time::Duration::from_secs(2));
    let api = InProcess::start_with(config).await;
    let client = Client::new(&api.url);
    let first = client.create_task("first").await;
    let second = client.create_task("second").await;
    let headers = [("Idempotency-Key", "k-short-lived")];
    let tag = |tag: &str| Some(json!({ "tag": tag }));
    let added = client.command(first, "add-tag", tag("a"), &headers).await;
    assert_eq!((added.status, added.version()), (200, 2), "{added:?}");
    let retried = client.command(first, "add-tag", tag("a"), &headers).await;
    assert_eq!(retried.version(), 2);
    let elsewhere = client.command(second, "add-tag", tag("a"), &headers).await;
    assert_eq!(elsewhere.status, 422);

    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    let elsewhere = client.command(second, "add-tag", tag("a"), &headers).await;
    assert_eq!(
        (elsewhere.status, elsewhere.version()),
        (200, 2),
        "{elsewhere:?}"
    );
    let again = client.command(first, "add-tag", tag("b"), &headers).await;
    assert_eq!(
        (again.status, again.error_code()),
        (422, "idempotency_key_reused"),
        "now the second task's: {again:?}"
    );
    api.stop().await;
}

/// A key whose first use was refused had no effect, so it stays free.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_first_use_leaves_the_key_free() {
    let env = TestEnv::new();
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    let first = client.create_task("first").await;
    let second = client.create_task("second").await;
    let keyed = [("Idempotency-Key", "k-refused"), ("If-Match", "\"7\"")];
    let title = || Some(json!({ "title": "x" }));
    let stale = client.command(first, "rename", title(), &keyed).await;
    assert_eq!(stale.status, 412);
    let headers = [("Idempotency-Key", "k-refused")];
    let elsewhere = client.command(second, "rename", title(), &headers).await;
    assert_eq!(
        (elsewhere.status, elsewhere.version()),
        (200, 2),
        "{elsewhere:?}"
    );
    let back = client.command(first, "rename", title(), &headers).await;
    assert_eq!(back.status, 422, "{back:?}");
    api.stop().await;
}
