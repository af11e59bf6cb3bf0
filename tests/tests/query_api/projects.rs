//! The `projects` read model through the query API, fed by the command API
//! (tasks and projects mounted) and the projector: listing, one project with
//! its task counts as tasks move, complete and archive, its history, tenant
//! isolation, and tokens joining positions of both topics.

use serde_json::{Value, json};
use tests::TestEnv;
use tests::command_api::{self as commands_harness, Client};
use tests::read_side::database::TestDatabase;
use tests::read_side::services::{InProcess, projector_config};
use uuid::Uuid;

use super::{Reply, get};

/// The command API as the binary mounts it: tasks and projects.
async fn command_api(env: &TestEnv) -> commands_harness::InProcess {
    commands_harness::InProcess::start(env).await
}

/// What a command answered that the reads need.
struct Written {
    id: Uuid,
    position: String,
}

fn written(reply: &commands_harness::Reply, id_field: &str) -> Written {
    assert!(
        [200, 201].contains(&reply.status),
        "the command succeeds: {reply:?}"
    );
    Written {
        id: reply.body[id_field].as_str().unwrap().parse().unwrap(),
        position: reply.body["position"].as_str().unwrap().to_owned(),
    }
}

async fn create_project(client: &Client, name: &str) -> Written {
    let reply = client
        .post("/v1/projects", Some(json!({ "name": name })), &[])
        .await;
    written(&reply, "project_id")
}

async fn create_task(client: &Client, title: &str, project: Uuid) -> Written {
    let reply = client
        .create(json!({ "title": title, "project_id": project }))
        .await;
    written(&reply, "task_id")
}

async fn task_command(client: &Client, task: Uuid, name: &str, body: Option<Value>) -> String {
    let reply = client.command(task, name, body, &[]).await;
    written(&reply, "task_id").position
}

/// `GET /v1/projects/{id}` after `token`, which the read must be consistent with.
async fn project_after(query: &str, project: Uuid, token: &str) -> Reply {
    let reply = get(
        &format!("{query}/v1/projects/{project}"),
        &[("X-Consistency-Token", token)],
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("x-consistency"), Some("consistent"), "{token}");
    assert_eq!(reply.header("x-projection-version"), Some("projects.v1"));
    reply
}

fn counts(open: i64, completed: i64, archived: i64) -> Value {
    json!({ "open": open, "completed": completed, "archived": archived })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn projects_count_their_tasks_as_tasks_move_complete_and_archive() {
    let env = TestEnv::with_partitions(3);
    let database = TestDatabase::create().await;
    let commands = command_api(&env).await;
    let projector = InProcess::projector(projector_config(&env, &database)).await;
    let query = InProcess::query_api(&env, &database).await;
    let client = Client::new(&commands.url);

    let launch = create_project(&client, "Launch").await;
    let docs = create_project(&client, "Docs").await;
    let first = create_task(&client, "Plan", launch.id).await;
    let second = create_task(&client, "Build", launch.id).await;
    let third = create_task(&client, "Ship", launch.id).await;
    let fourth = create_task(&client, "Write", docs.id).await;

    // A client that wrote to both aggregates joins the tokens it got.
    let joined = format!("{},{}", launch.position, third.position);
    let project = project_after(&query.url, launch.id, &joined).await;
    assert_eq!(project.body["project_id"], json!(launch.id));
    assert_eq!(project.body["name"], "Launch");
    assert_eq!(project.body["status"], "active");
    assert_eq!(project.body["version"], 1);
    assert_eq!(project.body["members"], json!([]));
    assert!(project.body["archived_at"].is_null());
    assert!(project.body.get("tenant_id").is_none(), "{}", project.body);
    assert_eq!(project.body["task_counts"], counts(3, 0, 0));
    let task = get(
        &format!("{}/v1/tasks/{}", query.url, third.id),
        &[("X-Consistency-Token", &joined)],
    )
    .await;
    assert_eq!(task.status, 200, "{}", task.body);
    assert_eq!(task.header("x-consistency"), Some("consistent"));
    assert_eq!(task.header("x-projection-version"), Some("tasks.v1"));
    // The tasks view reads nothing of events.projects: a project's position alone is already satisfied.
    let task = get(
        &format!("{}/v1/tasks/{}", query.url, first.id),
        &[("X-Consistency-Token", &docs.position)],
    )
    .await;
    assert_eq!(task.header("x-consistency"), Some("consistent"));
    let docs_read = project_after(&query.url, docs.id, &fourth.position).await;
    assert_eq!(docs_read.body["task_counts"], counts(1, 0, 0));

    // A task moving between projects leaves one and joins the other.
    let moved = task_command(
        &client,
        third.id,
        "move-to-project",
        Some(json!({ "project_id": docs.id })),
    )
    .await;
    let project = project_after(&query.url, launch.id, &moved).await;
    assert_eq!(project.body["task_counts"], counts(2, 0, 0));
    let project = project_after(&query.url, docs.id, &moved).await;
    assert_eq!(project.body["task_counts"], counts(2, 0, 0));

    let completed = task_command(&client, first.id, "complete", None).await;
    let archived = task_command(&client, second.id, "archive", None).await;
    let token = format!("{completed},{archived}");
    let project = project_after(&query.url, launch.id, &token).await;
    assert_eq!(project.body["task_counts"], counts(0, 1, 1));
    let reopened = task_command(&client, first.id, "reopen", None).await;
    let project = project_after(&query.url, launch.id, &reopened).await;
    assert_eq!(project.body["task_counts"], counts(1, 0, 1));
    let removed = task_command(&client, third.id, "remove-from-project", None).await;
    let project = project_after(&query.url, docs.id, &removed).await;
    assert_eq!(project.body["task_counts"], counts(1, 0, 0));

    // A task of another tenant naming the project does not count in it.
    let own = create_task(&client, "Mine", launch.id).await;
    let foreign = client
        .post(
            "/v1/tasks",
            Some(json!({ "title": "Not yours", "project_id": launch.id })),
            &[("X-Tenant-Id", "globex")],
        )
        .await;
    let foreign = written(&foreign, "task_id");
    let token = format!("{},{}", own.position, foreign.position);
    let project = project_after(&query.url, launch.id, &token).await;
    assert_eq!(
        project.body["task_counts"],
        counts(2, 0, 1),
        "only the project's own tenant's new task joins it"
    );

    query.stop().await;
    projector.stop().await;
    commands.stop().await;
    database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn projects_are_listed_in_pages_traced_and_private_to_their_tenant() {
    let env = TestEnv::with_partitions(3);
    let database = TestDatabase::create().await;
    let commands = command_api(&env).await;
    let projector = InProcess::projector(projector_config(&env, &database)).await;
    let query = InProcess::query_api(&env, &database).await;
    let client = Client::new(&commands.url);

    let mut created = Vec::new();
    for name in ["Alpha", "Beta", "Gamma"] {
        created.push(create_project(&client, name).await);
    }
    let alpha = &created[0];
    let path = |command: &str| format!("/v1/projects/{}/{command}", alpha.id);
    let mut last = String::new();
    for (command, body) in [
        ("rename", json!({ "name": "Alpha two" })),
        ("add-member", json!({ "member": "bob" })),
        ("archive", json!({})),
    ] {
        let reply = client.post(&path(command), Some(body), &[]).await;
        last = written(&reply, "project_id").position;
    }
    let token = created
        .iter()
        .map(|project| project.position.clone())
        .chain([last.clone()])
        .collect::<Vec<_>>()
        .join(",");

    // Every project once, newest first, in pages of one.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = get(
            &format!("{}/v1/projects?limit=1{cursor}", query.url),
            &[("X-Consistency-Token", &token)],
        )
        .await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(page.header("x-consistency"), Some("consistent"));
        assert_eq!(page.body["limit"], 1);
        let items = page.body["items"].as_array().unwrap();
        assert!(items.len() <= 1);
        seen.extend(
            items
                .iter()
                .map(|item| item["name"].as_str().unwrap().to_owned()),
        );
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen, ["Gamma", "Beta", "Alpha two"]);
    for (status, want) in [
        ("archived", vec!["Alpha two"]),
        ("active", vec!["Gamma", "Beta"]),
    ] {
        let page = get(&format!("{}/v1/projects?status={status}", query.url), &[]).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let names: Vec<&str> = page.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, want, "status={status}");
    }
    let project = project_after(&query.url, alpha.id, &last).await;
    assert_eq!(project.body["status"], "archived");
    assert_eq!(project.body["members"], json!(["bob"]));
    assert_eq!(project.body["version"], 4);
    assert!(project.body["archived_at"].is_string());
    assert_eq!(
        project.body["task_counts"],
        json!({ "open": 0, "completed": 0, "archived": 0 })
    );

    // The history pages through every event once, oldest first.
    let mut types = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = get(
            &format!(
                "{}/v1/projects/{}/history?limit=2{cursor}",
                query.url, alpha.id
            ),
            &[("X-Consistency-Token", &last)],
        )
        .await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(page.body["project_id"], json!(alpha.id));
        types.extend(
            page.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|event| event["event_type"].as_str().unwrap().to_owned()),
        );
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(
        types,
        [
            "ProjectCreated",
            "ProjectRenamed",
            "ProjectMemberAdded",
            "ProjectArchived"
        ]
    );

    // Another tenant sees none of it.
    let other = [("X-Tenant-Id", "globex")];
    for route in [
        format!("/v1/projects/{}", alpha.id),
        format!("/v1/projects/{}/history", alpha.id),
        format!("/v1/projects/{}", Uuid::now_v7()),
    ] {
        let reply = get(&format!("{}{route}", query.url), &other).await;
        assert_eq!(reply.status, 404, "{route}: {}", reply.body);
        assert_eq!(reply.body["error"]["code"], "project_not_found", "{route}");
        assert_eq!(reply.header("x-projection-version"), Some("projects.v1"));
    }
    let page = get(&format!("{}/v1/projects", query.url), &other).await;
    assert_eq!(page.body["items"], json!([]));

    // Every position must be on a topic of this API; the query parameter is named like the header.
    let unknown = format!("{},events.elsewhere:0:1", alpha.position);
    let reply = get(
        &format!("{}/v1/projects/{}", query.url, alpha.id),
        &[("X-Consistency-Token", &unknown)],
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(reply.body["error"]["code"], "invalid_header");
    assert_eq!(
        reply.body["error"]["details"]["header"],
        "X-Consistency-Token"
    );
    let reply = get(
        &format!("{}/v1/tasks?consistency_token={unknown}", query.url),
        &[],
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(
        reply.body["error"]["details"]["parameter"],
        "consistency_token"
    );

    let invalid = [
        ("/v1/projects?status=done", "status"),
        ("/v1/projects?status=active&status=archived", "status"),
        ("/v1/projects?limit=0", "limit"),
        ("/v1/projects?cursor=zzz", "cursor"),
        ("/v1/projects?sort=name", "sort"),
        ("/v1/projects/not-a-uuid", "id"),
        ("/v1/projects/not-a-uuid/history", "id"),
    ];
    for (route, parameter) in invalid {
        let reply = get(&format!("{}{route}", query.url), &[]).await;
        assert_eq!(reply.status, 400, "{route}: {}", reply.body);
        assert_eq!(
            reply.body["error"]["details"]["parameter"], parameter,
            "{route}"
        );
    }

    query.stop().await;
    projector.stop().await;
    commands.stop().await;
    database.drop_database().await;
}

/// One `projects_v1` row, as the projection would write it.
async fn insert_project(
    pool: &sqlx::PgPool,
    tenant: &str,
    name: &str,
    status: &str,
    created_at: chrono::DateTime<chrono::Utc>,
) -> Uuid {
    let project_id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO projects_v1 (project_id, tenant_id, name, description, status, members, version,
                                  created_at, updated_at, archived_at, source_partition, source_offset)
         VALUES ($1, $2, $3, NULL, $4, ARRAY['ada'], 2, $5, $5, CASE WHEN $4 = 'archived' THEN $5 END, 0, 0)",
    )
    .bind(project_id)
    .bind(tenant)
    .bind(name)
    .bind(status)
    .bind(created_at)
    .execute(pool)
    .await
    .expect("a project row");
    project_id
}

/// The query side alone, on rows written straight into the tables of
/// `projects.v1` and its checkpoints on both topics: what each route reads,
/// and how tokens over both topics are waited for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_project_reads_serve_the_projection_tables_and_wait_on_both_topics() {
    let env = TestEnv::with_partitions(2);
    let database = TestDatabase::create().await;
    let pool = database.pool().await;
    read_model::migrations::run(&pool)
        .await
        .expect("migrations");
    let (projects_topic, tasks_topic) =
        (format!("{}projects", env.topic_prefix), env.tasks_topic());
    for (topic, next_offset) in [(&projects_topic, 10_i64), (&tasks_topic, 20)] {
        sqlx::query(
            "INSERT INTO projection_checkpoints (projection, topic, partition, next_offset) VALUES ('projects.v1', $1, 0, $2)",
        )
        .bind(topic)
        .bind(next_offset)
        .execute(&pool)
        .await
        .expect("a checkpoint");
    }
    let now = chrono::Utc::now();
    let older = insert_project(
        &pool,
        "default",
        "Older",
        "active",
        now - chrono::Duration::hours(2),
    )
    .await;
    let newer = insert_project(
        &pool,
        "default",
        "Newer",
        "archived",
        now - chrono::Duration::hours(1),
    )
    .await;
    let foreign = insert_project(&pool, "globex", "Foreign", "active", now).await;
    for (tenant, project, status) in [
        ("default", Some(older), "open"),
        ("default", Some(older), "open"),
        ("default", Some(older), "completed"),
        // Another tenant's task naming the project is not in it.
        ("globex", Some(older), "archived"),
        ("default", Some(newer), "open"),
        ("default", None, "open"),
    ] {
        sqlx::query(
            "INSERT INTO project_tasks_v1 (task_id, tenant_id, project_id, status, version) VALUES ($1, $2, $3, $4, 1)",
        )
        .bind(Uuid::now_v7())
        .bind(tenant)
        .bind(project)
        .bind(status)
        .execute(&pool)
        .await
        .expect("a project task row");
    }
    for (version, event_type) in [(1_i64, "ProjectCreated"), (2, "ProjectMemberAdded")] {
        sqlx::query(
            "INSERT INTO project_history_v1 (event_id, project_id, tenant_id, version, event_type, schema_version, data,
                                             recorded_schema_version, occurred_at, command_id, correlation_id, causation_id,
                                             actor, source_partition, source_offset)
             VALUES ($1, $2, 'default', $3, $4, 1, '{}', 1, now(), 'c', 'c', 'c', 'ada', 0, $3)",
        )
        .bind(Uuid::now_v7())
        .bind(older)
        .bind(version)
        .bind(event_type)
        .execute(&pool)
        .await
        .expect("a history row");
    }
    let query = InProcess::query_api(&env, &database).await;

    let both = format!("{projects_topic}:0:9,{tasks_topic}:0:19");
    let project = project_after(&query.url, older, &both).await;
    assert_eq!(project.body["name"], "Older");
    assert_eq!(project.body["members"], json!(["ada"]));
    assert_eq!(project.body["task_counts"], counts(2, 1, 0));
    let keys: Vec<&String> = project.body.as_object().unwrap().keys().collect();
    assert_eq!(
        keys.len(),
        10,
        "the nine project fields and task_counts: {keys:?}"
    );
    let project = project_after(&query.url, newer, &both).await;
    assert_eq!(project.body["status"], "archived");
    assert!(project.body["archived_at"].is_string());
    assert_eq!(project.body["task_counts"], counts(1, 0, 0));

    // Either topic's position not yet projected makes the read stale.
    for token in [
        format!("{projects_topic}:0:9,{tasks_topic}:0:20"),
        format!("{projects_topic}:0:10,{tasks_topic}:0:19"),
    ] {
        let reply = get(
            &format!("{}/v1/projects/{older}", query.url),
            &[
                ("X-Consistency-Token", &token),
                ("X-Consistency-Timeout-Ms", "200"),
            ],
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.header("x-consistency"), Some("stale"), "{token}");
    }
    // The tasks view reads nothing of events.projects: that position is already satisfied.
    let reply = get(
        &format!("{}/v1/tasks", query.url),
        &[("X-Consistency-Token", &format!("{projects_topic}:0:500"))],
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("x-consistency"), Some("consistent"));
    assert_eq!(reply.header("x-projection-version"), Some("tasks.v1"));

    let page = get(&format!("{}/v1/projects?limit=1", query.url), &[]).await;
    assert_eq!(page.body["items"][0]["project_id"], json!(newer));
    let cursor = page.body["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let page = get(
        &format!("{}/v1/projects?limit=1&cursor={cursor}", query.url),
        &[],
    )
    .await;
    assert_eq!(page.body["items"][0]["project_id"], json!(older));
    assert!(page.body["next_cursor"].is_null(), "{}", page.body);
    let active = get(&format!("{}/v1/projects?status=active", query.url), &[]).await;
    assert_eq!(active.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(active.body["items"][0]["project_id"], json!(older));

    let history = get(
        &format!("{}/v1/projects/{older}/history?limit=1", query.url),
        &[],
    )
    .await;
    assert_eq!(history.status, 200, "{}", history.body);
    assert_eq!(history.body["items"][0]["event_type"], "ProjectCreated");
    let cursor = history.body["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let history = get(
        &format!("{}/v1/projects/{older}/history?cursor={cursor}", query.url),
        &[],
    )
    .await;
    assert_eq!(history.body["items"][0]["event_type"], "ProjectMemberAdded");
    assert_eq!(history.body["items"].as_array().unwrap().len(), 1);

    for route in [
        format!("/v1/projects/{foreign}"),
        format!("/v1/projects/{foreign}/history"),
    ] {
        let reply = get(&format!("{}{route}", query.url), &[]).await;
        assert_eq!(reply.status, 404, "{route}: {}", reply.body);
        assert_eq!(reply.body["error"]["code"], "project_not_found");
    }
    let theirs = get(
        &format!("{}/v1/projects", query.url),
        &[("X-Tenant-Id", "globex")],
    )
    .await;
    assert_eq!(theirs.body["items"].as_array().unwrap().len(), 1);

    query.stop().await;
    database.drop_database().await;
}
