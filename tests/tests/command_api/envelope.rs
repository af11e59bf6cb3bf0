use serde_json::json;
use tests::TestEnv;
use tests::command_api::{Client, InProcess};
use tests::kafka::read_all;

/// Every command appends exactly the expected envelope, keyed by the stream id,
/// with its headers, and the envelope validates against its schema.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_command_appends_its_envelope() {
    let env = TestEnv::new();
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);

    let created = client
        .post(
            "/v1/tasks",
            Some(json!({ "title": "  Write the docs ", "priority": "high", "tags": ["docs"], "due_date": "2026-12-01" })),
            &[("Idempotency-Key", "create-1"), ("X-Tenant-Id", "acme"), ("X-Actor", "ada"), ("X-Correlation-Id", "corr-1")],
        )
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(created.headers["etag"], "\"1\"");
    let task: uuid::Uuid = created.body["task_id"].as_str().unwrap().parse().unwrap();
    assert!(
        created.body["position"]
            .as_str()
            .unwrap()
            .starts_with(&env.tasks_topic())
    );

    let steps: Vec<(&str, serde_json::Value, &str, serde_json::Value)> = vec![
        (
            "rename",
            json!({ "title": "Write the guide" }),
            "TaskRenamed",
            json!({ "title": "Write the guide" }),
        ),
        (
            "change-description",
            json!({ "description": "all of it" }),
            "TaskDescriptionChanged",
            json!({ "description": "all of it" }),
        ),
        (
            "change-priority",
            json!({ "priority": "urgent" }),
            "TaskPriorityChanged",
            json!({ "priority": "urgent" }),
        ),
        (
            "reschedule",
            json!({ "due_date": null }),
            "TaskRescheduled",
            json!({ "due_date": null }),
        ),
        (
            "assign",
            json!({ "assignee": "bob" }),
            "TaskAssigned",
            json!({ "assignee": "bob" }),
        ),
        ("unassign", json!({}), "TaskUnassigned", json!({})),
        (
            "add-tag",
            json!({ "tag": "q4" }),
            "TaskTagAdded",
            json!({ "tag": "q4" }),
        ),
        (
            "remove-tag",
            json!({ "tag": "docs" }),
            "TaskTagRemoved",
            json!({ "tag": "docs" }),
        ),
        ("complete", json!({}), "TaskCompleted", json!({})),
        ("reopen", json!({}), "TaskReopened", json!({})),
        ("archive", json!({}), "TaskArchived", json!({})),
    ];
    for (index, (name, body, _, _)) in steps.iter().enumerate() {
        let reply = client
            .command(task, name, Some(body.clone()), &[("X-Tenant-Id", "acme")])
            .await;
        assert_eq!(reply.status, 200, "{name}: {reply:?}");
        assert_eq!(reply.version(), index as u64 + 2, "{name}");
        assert_eq!(reply.headers["etag"], format!("\"{}\"", index + 2));
    }

    let records = read_all(&env.brokers, &env.tasks_topic());
    assert_eq!(
        records.len(),
        steps.len() + 1,
        "one record per event, nothing else"
    );
    let first = &records[0];
    let value = first.json();
    assert_eq!(first.key.as_deref(), Some(task.to_string().as_str()));
    assert_eq!(first.headers["event_type"], "TaskCreated");
    assert_eq!(first.headers["schema_version"], "3");
    assert_eq!(first.headers["content-type"], "application/json");
    assert_eq!(value["event_type"], "TaskCreated");
    assert_eq!(value["schema_version"], 3);
    assert_eq!(value["stream_type"], "task");
    assert_eq!(value["stream_id"], task.to_string());
    assert_eq!(value["version"], 1);
    assert_eq!(value["command_id"], "create-1");
    assert_eq!(value["causation_id"], "create-1");
    assert_eq!(value["correlation_id"], "corr-1");
    assert_eq!(value["actor"], "ada");
    assert_eq!(value["tenant_id"], "acme");
    assert_eq!(
        value["data"],
        json!({ "title": "Write the docs", "description": null, "priority": "high", "due_date": "2026-12-01", "assignee": null, "tags": ["docs"], "project_id": null })
    );
    let event_id: uuid::Uuid = value["event_id"].as_str().unwrap().parse().unwrap();
    assert_eq!(event_id.get_version_num(), 7, "event ids are UUIDv7");
    let occurred_at = value["occurred_at"].as_str().unwrap();
    assert!(occurred_at.ends_with('Z'), "RFC 3339 UTC: {occurred_at}");
    chrono::DateTime::parse_from_rfc3339(occurred_at).expect("RFC 3339");

    let mut stream = tests::kafka::stream_events(&records, task);
    stream.remove(0);
    for (envelope, (name, _, event_type, data)) in stream.iter().zip(&steps) {
        assert_eq!(envelope.event_type, *event_type, "{name}");
        assert_eq!(&envelope.data, data, "{name}");
        assert_eq!(envelope.schema_version, 1);
        assert_eq!(envelope.tenant_id, "acme");
    }
    for record in &records {
        schemas::validate_envelope(&record.json())
            .expect("every appended envelope matches its schema");
        assert_eq!(record.key.as_deref(), Some(task.to_string().as_str()));
        assert_eq!(record.headers["event_type"], record.json()["event_type"]);
    }
    api.stop().await;
}
