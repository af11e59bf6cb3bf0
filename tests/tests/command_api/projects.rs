//! The project aggregate through the command API as the binary runs it
//! (`Application::build` mounts tasks and projects), with the same contract
//! as tasks: its events on `events.projects`, each valid against its schema;
//! `If-Match`, `Idempotency-Key`, the error shape and tenant ownership; and
//! its commands in the served OpenAPI document.

use events::Aggregate;
use events::project::Project;
use serde_json::json;
use tests::TestEnv;
use tests::command_api::{Client, InProcess};
use tests::kafka::{read_all, stream_events};
use uuid::Uuid;

const ACME: &[(&str, &str)] = &[("X-Tenant-Id", "acme"), ("X-Actor", "ada")];

fn projects_topic(env: &TestEnv) -> String {
    format!("{}{}", env.topic_prefix, Project::TOPIC_NAME)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_lives_through_its_whole_contract_on_its_own_topic() {
    let env = TestEnv::new();
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);

    let created = client
        .post(
            "/v1/projects",
            Some(json!({ "name": " Launch ", "description": "the big one" })),
            ACME,
        )
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(created.version(), 1);
    let project: Uuid = created.body["project_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let path = |command: &str| format!("/v1/projects/{project}/{command}");

    let steps = [
        ("rename", json!({ "name": "Go live" }), "ProjectRenamed"),
        (
            "add-member",
            json!({ "member": "bob" }),
            "ProjectMemberAdded",
        ),
        (
            "add-member",
            json!({ "member": "cy" }),
            "ProjectMemberAdded",
        ),
        (
            "remove-member",
            json!({ "member": "bob" }),
            "ProjectMemberRemoved",
        ),
        ("archive", json!({}), "ProjectArchived"),
        ("restore", json!({}), "ProjectRestored"),
    ];
    for (version, (command, body, _)) in (2..).zip(&steps) {
        let reply = client.post(&path(command), Some(body.clone()), ACME).await;
        assert_eq!(reply.status, 200, "{command}: {reply:?}");
        assert_eq!(reply.version(), version, "{command}");
    }

    // No-ops append nothing; rules answer in the error shape.
    let again = client
        .post(&path("add-member"), Some(json!({ "member": "cy" })), ACME)
        .await;
    assert_eq!((again.status, again.version()), (200, 7), "{again:?}");
    let restored = client.post(&path("restore"), None, ACME).await;
    assert_eq!(restored.status, 409, "{restored:?}");
    assert_eq!(restored.error_code(), "project_not_archived");
    let long = client
        .post(
            &path("rename"),
            Some(json!({ "name": "n".repeat(101) })),
            ACME,
        )
        .await;
    assert_eq!(long.status, 400, "{long:?}");
    assert_eq!(long.body["error"]["details"]["field"], "name");

    let records = read_all(&env.brokers, &projects_topic(&env));
    let stream = stream_events(&records, project);
    let types: Vec<&str> = stream.iter().map(|e| e.event_type.as_str()).collect();
    let expected: Vec<&str> = std::iter::once("ProjectCreated")
        .chain(steps.iter().map(|(_, _, event_type)| *event_type))
        .collect();
    assert_eq!(types, expected);
    for (version, envelope) in (1..).zip(&stream) {
        assert_eq!(envelope.version, version);
        assert_eq!(envelope.stream_type, "project");
        assert_eq!(envelope.tenant_id, "acme");
        assert_eq!(envelope.actor, "ada");
    }
    assert_eq!(
        stream[0].data,
        json!({ "name": "Launch", "description": "the big one" })
    );
    for record in &records {
        assert_eq!(
            schemas::validate_envelope(&record.json()),
            Ok(()),
            "{:?}",
            record.json()
        );
    }
    assert!(
        read_all(&env.brokers, &env.tasks_topic()).is_empty(),
        "project events stay on their own topic"
    );

    // The served document is the hand-written one: a path per command.
    let document = client
        .raw(client.http().get(format!("{}/openapi.json", api.url)))
        .await;
    assert_eq!(
        &document.body,
        command_api::http::openapi::openapi_document()
    );
    let paths = document.body["paths"].as_object().unwrap();
    assert!(paths.contains_key("/v1/projects"));
    for (command, _, _) in &steps {
        let path = format!("/v1/projects/{{id}}/{command}");
        assert!(paths.contains_key(&path), "{path}");
    }
    assert!(!paths.contains_key("/v1/projects/{id}/{command}"));
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn projects_have_if_match_idempotency_and_tenant_ownership() {
    let env = TestEnv::new();
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    let keyed = [
        ("X-Tenant-Id", "acme"),
        ("Idempotency-Key", "create-launch"),
    ];
    let first = client
        .post("/v1/projects", Some(json!({ "name": "Launch" })), &keyed)
        .await;
    assert_eq!(first.status, 201, "{first:?}");
    let retried = client
        .post("/v1/projects", Some(json!({ "name": "Launch" })), &keyed)
        .await;
    assert_eq!(retried.status, 201, "{retried:?}");
    assert_eq!(retried.body["project_id"], first.body["project_id"]);
    assert_eq!(retried.headers["idempotent-replayed"], "true");
    let project = first.body["project_id"].as_str().unwrap().to_owned();

    let stale = client
        .post(
            &format!("/v1/projects/{project}/rename"),
            Some(json!({ "name": "Later" })),
            &[("X-Tenant-Id", "acme"), ("If-Match", "\"7\"")],
        )
        .await;
    assert_eq!(stale.status, 412, "{stale:?}");
    assert_eq!(stale.body["error"]["details"]["current_version"], 1);

    // Another tenant cannot tell the project exists, let alone change it.
    for command in ["rename", "archive"] {
        let body = (command == "rename").then(|| json!({ "name": "Mine" }));
        let foreign = client
            .post(
                &format!("/v1/projects/{project}/{command}"),
                body,
                &[("X-Tenant-Id", "globex")],
            )
            .await;
        assert_eq!(foreign.status, 404, "{foreign:?}");
        assert_eq!(foreign.error_code(), "project_not_found");
    }
    let taken = client
        .post(
            "/v1/projects",
            Some(json!({ "name": "Mine", "project_id": project })),
            &[("X-Tenant-Id", "globex")],
        )
        .await;
    assert_eq!(taken.status, 404, "{taken:?}");

    let records = read_all(&env.brokers, &projects_topic(&env));
    assert_eq!(records.len(), 1, "one create, nothing else appended");
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_moves_between_projects_and_back_out() {
    let env = TestEnv::new();
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    let (first, second) = (Uuid::now_v7(), Uuid::now_v7());

    let created = client
        .create(json!({ "title": "Write docs", "project_id": first }))
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    let task: Uuid = created.body["task_id"].as_str().unwrap().parse().unwrap();
    let moved = client
        .command(
            task,
            "move-to-project",
            Some(json!({ "project_id": second })),
            &[],
        )
        .await;
    assert_eq!(moved.status, 200, "{moved:?}");
    let same = client
        .command(
            task,
            "move-to-project",
            Some(json!({ "project_id": second })),
            &[],
        )
        .await;
    assert_eq!((same.status, same.version()), (200, 2), "a no-op");
    let out = client.command(task, "remove-from-project", None, &[]).await;
    assert_eq!(out.status, 200, "{out:?}");
    let bad = client
        .command(
            task,
            "move-to-project",
            Some(json!({ "project_id": "p1" })),
            &[],
        )
        .await;
    assert_eq!(bad.status, 400, "{bad:?}");
    assert_eq!(bad.body["error"]["details"]["field"], "project_id");

    let records = read_all(&env.brokers, &env.tasks_topic());
    let stream = stream_events(&records, task);
    assert_eq!(stream[0].schema_version, 3);
    assert_eq!(stream[0].data["project_id"], json!(first));
    assert_eq!(stream[1].event_type, "TaskMovedToProject");
    assert_eq!(stream[1].data, json!({ "project_id": second }));
    assert_eq!(stream[2].event_type, "TaskRemovedFromProject");
    assert_eq!(stream.len(), 3);
    api.stop().await;
}
