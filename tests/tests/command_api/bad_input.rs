use serde_json::json;
use tests::TestEnv;
use tests::command_api::{Client, InProcess, Reply};
use tests::kafka::read_all;

fn assert_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status, status, "{reply:?}");
    assert_eq!(reply.error_code(), code, "{reply:?}");
    assert!(reply.body["error"]["message"].is_string(), "{reply:?}");
    assert!(reply.body["error"]["details"].is_object(), "{reply:?}");
}

/// Every kind of bad input gets its status and the JSON error body, and none
/// of them appends anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_and_appends_nothing() {
    let env = TestEnv::new();
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    let task = client.create_task("target").await;
    assert_eq!(
        client.command(task, "complete", None, &[]).await.status,
        200
    );
    let records_before = read_all(&env.brokers, &env.tasks_topic()).len();
    let http = client.http().clone();
    let url = &api.url;

    let too_many_tags: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
    // 400: malformed JSON, invalid fields (named), wrong types, unknown fields.
    let malformed = client
        .raw(
            http.post(format!("{url}/v1/tasks"))
                .header("content-type", "application/json")
                .body("{\"title\": "),
        )
        .await;
    assert_error(&malformed, 400, "malformed_json");
    for (body, field) in [
        (json!({ "title": "   " }), "title"),
        (json!({ "title": "x".repeat(201) }), "title"),
        (json!({ "title": 5 }), "title"),
        (json!({ "title": "ok", "priority": "sometime" }), "priority"),
        (json!({ "title": "ok", "due_date": "tomorrow" }), "due_date"),
        (json!({ "title": "ok", "tags": too_many_tags }), "tags"),
        (json!({ "title": "ok", "task_id": "not-a-uuid" }), "task_id"),
        (json!({ "title": "ok", "colour": "red" }), "colour"),
        (json!({}), "title"),
    ] {
        let reply = client.create(body.clone()).await;
        assert_eq!(reply.status, 400, "{body}: {reply:?}");
        assert_eq!(
            reply.body["error"]["details"]["field"], field,
            "{body}: {reply:?}"
        );
    }
    let reply = client
        .command(task, "assign", Some(json!({ "assignee": "" })), &[])
        .await;
    assert_eq!(
        (
            reply.status,
            reply.body["error"]["details"]["field"].as_str()
        ),
        (400, Some("assignee")),
        "{reply:?}"
    );
    let reply = client
        .command(task, "add-tag", Some(json!({ "tag": "x".repeat(41) })), &[])
        .await;
    assert_eq!(reply.status, 400, "{reply:?}");
    assert_error(
        &client
            .command(
                task,
                "rename",
                Some(json!({ "title": "x" })),
                &[("If-Match", "three")],
            )
            .await,
        400,
        "invalid_header",
    );
    assert_error(
        &client
            .post(
                "/v1/tasks/not-a-uuid/rename",
                Some(json!({ "title": "x" })),
                &[],
            )
            .await,
        400,
        "invalid_parameter",
    );

    // 404: unknown task, unknown command, unknown route.
    let unknown = uuid::Uuid::now_v7();
    assert_error(
        &client
            .command(unknown, "rename", Some(json!({ "title": "x" })), &[])
            .await,
        404,
        "task_not_found",
    );
    assert_error(
        &client
            .command(
                unknown,
                "rename",
                Some(json!({ "title": "x" })),
                &[("If-Match", "\"1\"")],
            )
            .await,
        404,
        "task_not_found",
    );
    assert_error(
        &client.command(task, "teleport", None, &[]).await,
        404,
        "unknown_command",
    );
    assert_error(
        &client.raw(http.get(format!("{url}/v2/nothing"))).await,
        404,
        "not_found",
    );

    // 409: refused by a domain rule, with the rule's code.
    assert_error(
        &client.command(task, "complete", None, &[]).await,
        409,
        "task_already_completed",
    );
    let open = client.create_task("open").await;
    assert_error(
        &client.command(open, "reopen", None, &[]).await,
        409,
        "task_not_completed",
    );
    let created_open = 1;

    // 412: stale If-Match, with the current version.
    let stale = client
        .command(task, "reopen", None, &[("If-Match", "\"1\"")])
        .await;
    assert_error(&stale, 412, "version_mismatch");
    assert_eq!(stale.body["error"]["details"]["current_version"], 2);

    // 413 and 415.
    let huge = json!({ "title": "x", "description": "y".repeat(70_000) });
    assert_error(&client.create(huge).await, 413, "payload_too_large");
    let text = client
        .raw(
            http.post(format!("{url}/v1/tasks"))
                .header("content-type", "text/plain")
                .body("title=x"),
        )
        .await;
    assert_error(&text, 415, "unsupported_media_type");

    let records_after = read_all(&env.brokers, &env.tasks_topic()).len();
    assert_eq!(
        records_after,
        records_before + created_open,
        "refused commands appended nothing"
    );
    api.stop().await;
}

/// Operational endpoints answer, and the request id comes back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operational_endpoints() {
    let env = TestEnv::new();
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    let http = client.http().clone();
    assert_eq!(
        http.get(format!("{}/healthz", api.url))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let ready = client.raw(http.get(format!("{}/readyz", api.url))).await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.body["checks"]["kafka"], true);
    let task = client.create_task("observed").await;
    let reply = client
        .command(task, "complete", None, &[("X-Request-Id", "req-42")])
        .await;
    assert_eq!(reply.headers["x-request-id"], "req-42");
    let generated = client.command(task, "reopen", None, &[]).await;
    assert!(!generated.headers["x-request-id"].is_empty());

    let metrics = http
        .get(format!("{}/metrics", api.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for name in [
        "command_api_commands_total",
        "command_api_command_duration_seconds",
        "command_api_transaction_batch_size",
        "command_api_restore_duration_seconds",
    ] {
        assert!(metrics.contains(name), "{name} missing from /metrics");
    }
    let openapi = client
        .raw(http.get(format!("{}/openapi.json", api.url)))
        .await;
    assert_eq!(openapi.body["openapi"], "3.1.0");
    assert!(openapi.body["paths"]["/v1/tasks/{id}/rename"]["post"].is_object());
    api.stop().await;
}
