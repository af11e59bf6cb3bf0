//! The query API against the real Kafka and PostgreSQL, fed by the projector:
//! read-your-writes through the command API's position, filters, keyset
//! pagination, history, statistics and the error contract; the projects
//! read model in `projects`.

mod projects;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use events::task::TaskEvent;
use serde_json::{Value, json};
use tests::TestEnv;
use tests::command_api::{self, Client};
use tests::read_side::database::{TestDatabase, caught_up};
use tests::read_side::eventually;
use tests::read_side::producer::EventProducer;
use tests::read_side::services::{InProcess, PROJECTION, projector_config};
use tests::read_side::story::{Rng, TaskStory};

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

async fn get(url: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = reqwest::Client::new().get(url);
    if let Some(authorization) = tests::auth::authorization_for(headers) {
        request = request.header("authorization", authorization);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("query API answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_is_visible_on_the_first_read_with_its_position() {
    let env = TestEnv::with_partitions(3);
    let database = TestDatabase::create().await;
    let commands = command_api::InProcess::start(&env).await;
    let projector = InProcess::projector(projector_config(&env, &database)).await;
    let query = InProcess::query_api(&env, &database).await;
    let client = Client::new(&commands.url);

    let created = client
        .create(json!({ "title": "Read my write", "priority": "high", "tags": ["ryw"], "assignee": "ann" }))
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    let task_id = created.body["task_id"].as_str().unwrap().to_owned();
    let position = created.body["position"].as_str().unwrap().to_owned();

    let task = get(
        &format!("{}/v1/tasks/{task_id}", query.url),
        &[("X-Consistency-Token", &position)],
    )
    .await;
    assert_eq!(task.status, 200, "{}", task.body);
    assert_eq!(task.header("x-consistency"), Some("consistent"));
    assert_eq!(task.header("etag"), Some("\"1\""));
    assert_eq!(task.body["title"], "Read my write");
    assert_eq!(task.body["priority"], "high");
    assert_eq!(task.body["tags"], json!(["ryw"]));
    assert_eq!(task.body["version"], 1);

    let task_uuid = task_id.parse().unwrap();
    let renamed = client
        .command(
            task_uuid,
            "rename",
            Some(json!({ "title": "Renamed" })),
            &[],
        )
        .await;
    let completed = client.command(task_uuid, "complete", None, &[]).await;
    assert_eq!((renamed.status, completed.status), (200, 200));
    let position = completed.body["position"].as_str().unwrap().to_owned();

    // The token as a query parameter works the same.
    let task = get(
        &format!(
            "{}/v1/tasks/{task_id}?consistency_token={position}",
            query.url
        ),
        &[],
    )
    .await;
    assert_eq!(task.header("x-consistency"), Some("consistent"));
    assert_eq!(
        (task.body["title"].as_str(), task.body["status"].as_str()),
        (Some("Renamed"), Some("completed"))
    );
    assert_eq!(task.header("etag"), Some("\"3\""));
    assert!(task.body["completed_at"].is_string());

    let unchanged = get(
        &format!("{}/v1/tasks/{task_id}", query.url),
        &[("If-None-Match", "\"3\"")],
    )
    .await;
    assert_eq!(unchanged.status, 304);
    let changed = get(
        &format!("{}/v1/tasks/{task_id}", query.url),
        &[("If-None-Match", "\"2\"")],
    )
    .await;
    assert_eq!(changed.status, 200);

    let listed = get(
        &format!("{}/v1/tasks?status=completed&tag=ryw", query.url),
        &[("X-Consistency-Token", &position)],
    )
    .await;
    assert_eq!(
        listed.body["items"].as_array().unwrap().len(),
        1,
        "{}",
        listed.body
    );
    let history = get(
        &format!("{}/v1/tasks/{task_id}/history", query.url),
        &[("X-Consistency-Token", &position)],
    )
    .await;
    let types: Vec<&str> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["TaskCreated", "TaskRenamed", "TaskCompleted"]);
    assert_eq!(history.body["items"][0]["actor"], "anonymous");
    let stats = get(
        &format!("{}/v1/stats/tasks", query.url),
        &[("X-Consistency-Token", &position)],
    )
    .await;
    assert_eq!(stats.body["by_status"]["completed"], 1, "{}", stats.body);
    assert_eq!(stats.body["completions_per_day"][0]["completions"], 1);

    // Another tenant sees nothing of it.
    let other = get(
        &format!("{}/v1/tasks/{task_id}", query.url),
        &[("X-Tenant-Id", "other")],
    )
    .await;
    assert_eq!(other.status, 404);
    assert_eq!(other.body["error"]["code"], "task_not_found");

    query.stop().await;
    projector.stop().await;
    commands.stop().await;
    database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_past_the_projection_says_it_is_stale_when_the_wait_runs_out() {
    let env = TestEnv::with_partitions(2);
    let database = TestDatabase::create().await;
    let query = InProcess::query_api(&env, &database).await;
    let task_id = uuid::Uuid::now_v7();
    let token = format!("{}:1:41", env.tasks_topic());

    let started = Instant::now();
    let reply = get(
        &format!("{}/v1/tasks/{task_id}", query.url),
        &[
            ("X-Consistency-Token", &token),
            ("X-Consistency-Timeout-Ms", "300"),
        ],
    )
    .await;
    let waited = started.elapsed();
    assert_eq!(reply.status, 404);
    assert_eq!(reply.header("x-consistency"), Some("stale"));
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_secs(2),
        "{waited:?}"
    );

    // Without a token there is no wait and no consistency claim.
    let reply = get(&format!("{}/v1/tasks", query.url), &[]).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("x-consistency"), None);
    query.stop().await;
    database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_return_every_task_exactly_once_while_tasks_are_being_created() {
    let env = TestEnv::with_partitions(3);
    let database = TestDatabase::create().await;
    let producer = Arc::new(EventProducer::new(&env).await);
    let mut rng = Rng::new(5);
    let mut existing = HashSet::new();
    let mut envelopes = Vec::new();
    for i in 0..230 {
        let mut story = TaskStory::new("pager");
        envelopes.push(story.create(&format!("page task {i}"), &mut rng));
        existing.insert(story.task_id.to_string());
    }
    producer.send_all(&envelopes).await;
    let projector = InProcess::projector(projector_config(&env, &database)).await;
    let query = InProcess::query_api(&env, &database).await;
    let pool = database.pool().await;
    let (ends, topic) = (producer.ends(), env.tasks_topic());
    eventually(Duration::from_secs(30), "the tasks are projected", || {
        caught_up(&pool, PROJECTION, &topic, &ends)
    })
    .await;

    let creating = Arc::new(AtomicBool::new(true));
    let creator = tokio::spawn({
        let (producer, creating) = (producer.clone(), creating.clone());
        async move {
            let mut rng = Rng::new(6);
            let mut created = 0;
            while creating.load(Ordering::SeqCst) {
                let mut story = TaskStory::new("pager");
                producer
                    .send(&story.create("created meanwhile", &mut rng))
                    .await;
                created += 1;
            }
            created
        }
    });

    for sort in ["created_at", "-created_at"] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut url = format!("{}/v1/tasks?limit=37&sort={sort}", query.url);
            if let Some(cursor) = &cursor {
                url.push_str(&format!("&cursor={cursor}"));
            }
            let page = get(&url, &[("X-Tenant-Id", "pager")]).await;
            assert_eq!(page.status, 200, "{}", page.body);
            let items = page.body["items"].as_array().unwrap();
            assert!(items.len() <= 37);
            seen.extend(
                items
                    .iter()
                    .map(|item| item["task_id"].as_str().unwrap().to_owned()),
            );
            match page.body["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
            // Let creations land between pages.
            tokio::task::yield_now().await;
        }
        let distinct: HashSet<&String> = seen.iter().collect();
        assert_eq!(distinct.len(), seen.len(), "a task appeared twice ({sort})");
        let missing = existing.iter().filter(|id| !distinct.contains(id)).count();
        assert_eq!(
            missing, 0,
            "{missing} existing tasks never appeared ({sort})"
        );
    }
    creating.store(false, Ordering::SeqCst);
    assert!(creator.await.unwrap() > 0);

    query.stop().await;
    projector.stop().await;
    database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_select_exactly_the_matching_tasks() {
    let env = TestEnv::with_partitions(2);
    let database = TestDatabase::create().await;
    let producer = EventProducer::new(&env).await;
    let mut rng = Rng::new(9);
    let mut envelopes = Vec::new();
    let mut stories = Vec::new();
    for i in 0..40 {
        let mut story = TaskStory::new(if i % 10 == 9 { "elsewhere" } else { "filters" });
        envelopes.push(story.create(&format!("Quarterly report {i}"), &mut rng));
        for _ in 0..(i % 5) {
            envelopes.push(story.next_event(&mut rng));
        }
        if i % 7 == 0 {
            envelopes.push(story.envelope(TaskEvent::Renamed {
                title: "Write the handbook".into(),
            }));
        }
        stories.push(story);
    }
    producer.send_all(&envelopes).await;
    let projector = InProcess::projector(projector_config(&env, &database)).await;
    let query = InProcess::query_api(&env, &database).await;
    let pool = database.pool().await;
    let (ends, topic) = (producer.ends(), env.tasks_topic());
    eventually(Duration::from_secs(30), "the tasks are projected", || {
        caught_up(&pool, PROJECTION, &topic, &ends)
    })
    .await;

    let mine: Vec<&TaskStory> = stories
        .iter()
        .filter(|s| s.tenant_id == "filters")
        .collect();
    let ids = |predicate: &dyn Fn(&TaskStory) -> bool| -> HashSet<String> {
        mine.iter()
            .filter(|s| predicate(s))
            .map(|s| s.task_id.to_string())
            .collect()
    };
    let due = chrono::NaiveDate::from_ymd_opt(2030, 6, 15).unwrap();
    let cases: Vec<(&str, HashSet<String>)> = vec![
        ("", ids(&|_| true)),
        (
            "status=completed",
            ids(&|s| s.state.status.as_str() == "completed"),
        ),
        (
            "status=open,completed",
            ids(&|s| s.state.status.as_str() != "archived"),
        ),
        (
            "priority=high",
            ids(&|s| s.state.priority.as_str() == "high"),
        ),
        (
            "priority=low&priority=urgent",
            ids(&|s| ["low", "urgent"].contains(&s.state.priority.as_str())),
        ),
        (
            "assignee=user1",
            ids(&|s| s.state.assignee.as_deref() == Some("user1")),
        ),
        ("tag=tag2", ids(&|s| s.state.has_tag("tag2"))),
        (
            "tag=tag1&tag=tag3",
            ids(&|s| s.state.has_tag("tag1") && s.state.has_tag("tag3")),
        ),
        (
            "due_before=2030-06-15",
            ids(&|s| s.state.due_date.is_some_and(|d| d < due)),
        ),
        (
            "due_after=2030-06-15",
            ids(&|s| s.state.due_date.is_some_and(|d| d > due)),
        ),
        ("q=handb", ids(&|s| s.state.title == "Write the handbook")),
        (
            "q=QUARTERLY%20rep",
            ids(&|s| s.state.title.starts_with("Quarterly report")),
        ),
        (
            "status=open&priority=normal",
            ids(&|s| s.state.status.as_str() == "open" && s.state.priority.as_str() == "normal"),
        ),
    ];
    for (filter, want) in cases {
        let page = get(
            &format!("{}/v1/tasks?limit=200&{filter}", query.url),
            &[("X-Tenant-Id", "filters")],
        )
        .await;
        assert_eq!(page.status, 200, "{filter}: {}", page.body);
        let got: HashSet<String> = page.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["task_id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(got, want, "filter {filter:?}");
    }

    // History pages through every event of a task once, in order.
    let busiest = mine.iter().max_by_key(|s| s.version).unwrap();
    let mut versions = Vec::new();
    let mut cursor = String::new();
    loop {
        let url = format!(
            "{}/v1/tasks/{}/history?limit=2{cursor}",
            query.url, busiest.task_id
        );
        let page = get(&url, &[("X-Tenant-Id", "filters")]).await;
        versions.extend(
            page.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["version"].as_u64().unwrap()),
        );
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(versions, (1..=busiest.version).collect::<Vec<_>>());

    let stats = get(
        &format!("{}/v1/stats/tasks", query.url),
        &[("X-Tenant-Id", "filters")],
    )
    .await;
    assert_eq!(stats.body["total"], mine.len());
    for status in ["open", "completed", "archived"] {
        let want = mine
            .iter()
            .filter(|s| s.state.status.as_str() == status)
            .count();
        assert_eq!(stats.body["by_status"][status], want, "{status}");
    }
    query.stop().await;
    projector.stop().await;
    database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_parameters_are_400s_that_name_the_parameter() {
    let env = TestEnv::with_partitions(2);
    let database = TestDatabase::create().await;
    let query = InProcess::query_api(&env, &database).await;
    let id = uuid::Uuid::now_v7();
    let topic = env.tasks_topic();

    let parameter_cases = [
        ("/v1/tasks?limit=0", "limit"),
        ("/v1/tasks?limit=201", "limit"),
        ("/v1/tasks?limit=ten", "limit"),
        ("/v1/tasks?status=done", "status"),
        ("/v1/tasks?priority=whenever", "priority"),
        ("/v1/tasks?due_before=2024-13-01", "due_before"),
        ("/v1/tasks?due_after=tomorrow", "due_after"),
        ("/v1/tasks?cursor=not-a-cursor", "cursor"),
        ("/v1/tasks?sort=title", "sort"),
        ("/v1/tasks?q=%25%25%25", "q"),
        ("/v1/tasks?tag=", "tag"),
        ("/v1/tasks?statuss=open", "statuss"),
        ("/v1/tasks?assignee=a&assignee=b", "assignee"),
        ("/v1/tasks?consistency_token=nonsense", "consistency_token"),
        (
            "/v1/tasks?consistency_timeout_ms=-1",
            "consistency_timeout_ms",
        ),
        ("/v1/tasks/not-a-uuid", "id"),
        (&format!("/v1/tasks/{id}/history?cursor=zzz"), "cursor"),
        (&format!("/v1/tasks/{id}/history?limit=1000"), "limit"),
        (&format!("/v1/tasks/{id}?limit=1"), "limit"),
        ("/v1/stats/tasks?from=2024-02-30", "from"),
        ("/v1/stats/tasks?from=2024-03-02&to=2024-03-01", "from"),
    ];
    for (path, parameter) in parameter_cases {
        let reply = get(&format!("{}{path}", query.url), &[]).await;
        assert_eq!(reply.status, 400, "{path}: {}", reply.body);
        assert_eq!(reply.body["error"]["code"], "invalid_parameter", "{path}");
        assert_eq!(
            reply.body["error"]["details"]["parameter"], parameter,
            "{path}: {}",
            reply.body
        );
    }

    // A cursor of one sort order is refused by the other.
    let ascending = query_api::http::cursor::TaskCursor {
        created_at: chrono::Utc::now(),
        task_id: id,
        descending: false,
    };
    let reply = get(
        &format!("{}/v1/tasks?cursor={}", query.url, ascending.encode()),
        &[],
    )
    .await;
    assert_eq!(
        (
            reply.status,
            reply.body["error"]["details"]["parameter"].as_str()
        ),
        (400, Some("cursor"))
    );
    let reply = get(
        &format!(
            "{}/v1/tasks?sort=created_at&cursor={}",
            query.url,
            ascending.encode()
        ),
        &[],
    )
    .await;
    assert_eq!(reply.status, 200);

    // With authentication on, the tenant comes from the token; a header that disagrees is refused.
    let default_tenant = tests::auth::bearer(&tests::auth::token(
        "default",
        "anonymous",
        &["queries:read"],
    ));
    let reply = get(
        &format!("{}/v1/tasks", query.url),
        &[
            ("Authorization", &default_tenant),
            ("X-Tenant-Id", "not a tenant!"),
        ],
    )
    .await;
    assert_eq!(
        (reply.status, reply.body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );

    let header_cases = [
        ("X-Consistency-Token", "nonsense", "X-Consistency-Token"),
        (
            "X-Consistency-Token",
            "another-topic:0:5",
            "X-Consistency-Token",
        ),
        (
            "X-Consistency-Timeout-Ms",
            "soon",
            "X-Consistency-Timeout-Ms",
        ),
    ];
    for (name, value, header) in header_cases {
        let reply = get(&format!("{}/v1/tasks", query.url), &[(name, value)]).await;
        assert_eq!(reply.status, 400, "{name}: {}", reply.body);
        assert_eq!(reply.body["error"]["code"], "invalid_header");
        assert_eq!(reply.body["error"]["details"]["header"], header);
    }
    let valid_token = format!("{topic}:0:0");
    let reply = get(
        &format!("{}/v1/tasks?limit=1", query.url),
        &[
            ("X-Consistency-Token", &valid_token),
            ("X-Consistency-Timeout-Ms", "0"),
        ],
    )
    .await;
    assert_eq!(reply.status, 200);

    let missing = get(&format!("{}/v1/tasks/{id}", query.url), &[]).await;
    assert_eq!(
        (missing.status, missing.body["error"]["code"].as_str()),
        (404, Some("task_not_found"))
    );
    let unknown_route = get(&format!("{}/v1/nothing", query.url), &[]).await;
    assert_eq!(
        (
            unknown_route.status,
            unknown_route.body["error"]["code"].as_str()
        ),
        (404, Some("not_found"))
    );
    let openapi = get(&format!("{}/openapi.json", query.url), &[]).await;
    assert!(openapi.body["paths"]["/v1/tasks"].is_object());
    let metrics = reqwest::get(format!("{}/metrics", query.url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("query_api_request_duration_seconds"));
    query.stop().await;
    database.drop_database().await;
}
