//! Two tenants on one platform, with real tokens: nothing one tenant tries
//! reaches the other's data. Every attempt gets its documented status, and
//! afterwards the log and the read model are exactly as before.

use std::time::Duration;

use serde_json::{Value, json};
use tests::TestEnv;
use tests::auth::{bearer, now, sign};
use tests::command_api::{Client, InProcess as CommandApi};
use tests::kafka::read_all;
use tests::read_side::database::{TestDatabase, caught_up};
use tests::read_side::eventually;
use tests::read_side::model::end_offsets;
use tests::read_side::services::{InProcess, PROJECTION, projector_config, query_api_config};

/// Extra request headers of one attempt.
type Headers<'a> = Vec<(&'a str, &'a str)>;

const AUDIENCE: &str = "cqrs-platform";
const ISSUER: &str = "https://issuer.test";
const ALL: &str = "commands:write queries:read ops:admin";

fn settings() -> platform::auth::AuthSettings {
    platform::auth::AuthSettings {
        audience: Some(AUDIENCE.into()),
        issuer: Some(ISSUER.into()),
        ..tests::auth::settings()
    }
}

fn claims(tenant: &str, sub: &str, scope: &str) -> Value {
    json!({ "sub": sub, "tenant_id": tenant, "scope": scope, "aud": AUDIENCE, "iss": ISSUER, "exp": now() + 600 })
}

fn token_of(tenant: &str, sub: &str) -> String {
    bearer(&sign(claims(tenant, sub, ALL)))
}

struct Platform {
    env: TestEnv,
    database: TestDatabase,
    commands: CommandApi,
    projector: InProcess,
    query: InProcess,
}

impl Platform {
    async fn start() -> Self {
        let env = TestEnv::with_partitions(3);
        let database = TestDatabase::create().await;
        let commands = CommandApi::start_with(command_api::Config {
            auth: settings(),
            ..tests::command_api::config(&env)
        })
        .await;
        let projector = InProcess::projector(projector::Config {
            auth: settings(),
            ..projector_config(&env, &database)
        })
        .await;
        let query = InProcess::query_api_with(query_api::Config {
            auth: settings(),
            ..query_api_config(&env, &database)
        })
        .await;
        Self {
            env,
            database,
            commands,
            projector,
            query,
        }
    }

    /// Waits until the projection has applied everything in the log, and returns the log.
    async fn settled(&self) -> Vec<tests::kafka::ReadRecord> {
        let records = read_all(&self.env.brokers, &self.env.tasks_topic());
        let ends = end_offsets(&records);
        let pool = self.database.pool().await;
        let topic = self.env.tasks_topic();
        eventually(Duration::from_secs(30), "the projection catches up", || {
            caught_up(&pool, PROJECTION, &topic, &ends)
        })
        .await;
        records
    }

    async fn stop(self) {
        self.query.stop().await;
        self.projector.stop().await;
        self.commands.stop().await;
        self.database.drop_database().await;
    }
}

async fn get(url: &str, authorization: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .get(url)
        .header("authorization", authorization);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("the query API answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_tenant_reaches_another_tenants_task() {
    let platform = Platform::start().await;
    let client = Client::new(&platform.commands.url);
    let (alice, mallory) = (token_of("acme", "alice"), token_of("evil", "mallory"));
    let as_alice = [("Authorization", alice.as_str())];
    let as_mallory = [("Authorization", mallory.as_str())];

    let created = client
        .post(
            "/v1/tasks",
            Some(json!({ "title": "Acme's plan", "assignee": "alice", "tags": ["secret"] })),
            &[
                ("Authorization", &alice),
                ("Idempotency-Key", "acme-create-1"),
            ],
        )
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    let task: uuid::Uuid = created.body["task_id"].as_str().unwrap().parse().unwrap();
    let renamed = client
        .command(
            task,
            "rename",
            Some(json!({ "title": "Acme's real plan" })),
            &[
                ("Authorization", &alice),
                ("Idempotency-Key", "acme-rename-1"),
            ],
        )
        .await;
    assert_eq!(renamed.status, 200, "{renamed:?}");
    let position = renamed.body["position"].as_str().unwrap().to_owned();
    let before = platform.settled().await;
    let task_url = format!("{}/v1/tasks/{task}", platform.query.url);
    let (status, acme_view) = get(&task_url, &alice, &[]).await;
    assert_eq!(status, 200);

    // Commands on the task, with or without the owner's idempotency keys and versions.
    let trespasses: [(&str, Option<Value>, Headers); 5] = [
        ("rename", Some(json!({ "title": "pwned" })), vec![]),
        ("archive", None, vec![]),
        ("complete", None, vec![("If-Match", "\"2\"")]),
        ("assign", Some(json!({ "assignee": "mallory" })), vec![]),
        // Alice's exact retry, under Mallory's token: it must not replay Alice's answer.
        (
            "rename",
            Some(json!({ "title": "Acme's real plan" })),
            vec![("Idempotency-Key", "acme-rename-1")],
        ),
    ];
    for (command, body, extra) in trespasses {
        let mut headers = as_mallory.to_vec();
        headers.extend(extra);
        let reply = client.command(task, command, body, &headers).await;
        assert_eq!(
            (reply.status, reply.error_code()),
            (404, "task_not_found"),
            "{command}: {reply:?}"
        );
        assert!(
            reply.headers.get("etag").is_none(),
            "{command}: no version leaks"
        );
    }
    // A create with the other tenant's id answers exactly what a missing task does.
    let create = client
        .post(
            "/v1/tasks",
            Some(json!({ "task_id": task, "title": "mine now" })),
            &as_mallory,
        )
        .await;
    assert_eq!(
        (create.status, create.error_code()),
        (404, "task_not_found"),
        "{create:?}"
    );
    let missing = client
        .command(
            uuid::Uuid::now_v7(),
            "rename",
            Some(json!({ "title": "x" })),
            &as_mallory,
        )
        .await;
    assert_eq!(
        create.body["error"]["message"],
        missing.body["error"]["message"]
    );
    assert_eq!(
        create.body["error"]["details"],
        missing.body["error"]["details"]
    );
    // Alice's create key, replayed by Mallory, is Mallory's own key: it cannot
    // answer with Alice's task.
    let replay = client
        .post(
            "/v1/tasks",
            Some(json!({ "title": "Acme's plan", "assignee": "alice", "tags": ["secret"] })),
            &[
                ("Authorization", &mallory),
                ("Idempotency-Key", "acme-create-1"),
            ],
        )
        .await;
    assert_eq!(replay.status, 201, "{replay:?}");
    assert_ne!(replay.body["task_id"], created.body["task_id"]);
    let mallory_task = replay.body["task_id"].as_str().unwrap().to_owned();

    // Reads: get, history, list, stats and a wait on the other tenant's position.
    let (status, body) = get(&task_url, &mallory, &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("task_not_found"))
    );
    let (status, _) = get(&format!("{task_url}/history"), &mallory, &[]).await;
    assert_eq!(status, 404);
    let (status, _) = get(&task_url, &mallory, &[("X-Consistency-Token", &position)]).await;
    assert_eq!(
        status, 404,
        "waiting on the other tenant's position reveals nothing"
    );
    let platform_records = platform.settled().await;
    let (status, list) = get(&format!("{}/v1/tasks", platform.query.url), &mallory, &[]).await;
    assert_eq!(status, 200);
    let listed: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|item| item["task_id"].as_str())
        .collect();
    assert_eq!(
        listed,
        [mallory_task.as_str()],
        "Mallory sees only Mallory's task"
    );
    let (_, list) = get(
        &format!("{}/v1/tasks?tag=secret&assignee=alice", platform.query.url),
        &mallory,
        &[],
    )
    .await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "the filter finds Mallory's copy only"
    );
    let (status, stats) = get(
        &format!("{}/v1/stats/tasks", platform.query.url),
        &mallory,
        &[],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(stats["total"], 1, "{stats}");

    // A tenant header that disagrees with the token is refused, on both APIs.
    let (status, body) = get(&task_url, &mallory, &[("X-Tenant-Id", "acme")]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    let reply = client
        .command(
            task,
            "archive",
            None,
            &[("Authorization", &mallory), ("X-Tenant-Id", "acme")],
        )
        .await;
    assert_eq!((reply.status, reply.error_code()), (403, "forbidden"));
    let reply = client
        .command(
            task,
            "archive",
            None,
            &[("Authorization", &alice), ("X-Actor", "bob")],
        )
        .await;
    assert_eq!((reply.status, reply.error_code()), (403, "forbidden"));
    // A header that agrees is fine.
    let (status, _) = get(
        &task_url,
        &alice,
        &[("X-Tenant-Id", "acme"), ("X-Actor", "alice")],
    )
    .await;
    assert_eq!(status, 200);

    // Nothing of Acme's changed: its stream has exactly its two events, and
    // the only other record is Mallory's own create.
    let after = platform_records;
    let acme_events = tests::kafka::stream_events(&after, task);
    assert_eq!(acme_events.len(), 2);
    assert!(
        acme_events
            .iter()
            .all(|event| event.tenant_id == "acme" && event.actor == "alice")
    );
    assert_eq!(
        after.len(),
        before.len() + 1,
        "one new record: Mallory's own task"
    );
    let (_, acme_after) = get(&task_url, &alice, &as_alice).await;
    assert_eq!(acme_after, acme_view);
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tokens_are_refused_and_change_nothing() {
    let platform = Platform::start().await;
    let client = Client::new(&platform.commands.url);
    let alice = token_of("acme", "alice");
    let task = client
        .post(
            "/v1/tasks",
            Some(json!({ "title": "guarded" })),
            &[("Authorization", &alice)],
        )
        .await;
    assert_eq!(task.status, 201, "{task:?}");
    let task: uuid::Uuid = task.body["task_id"].as_str().unwrap().parse().unwrap();
    let before = platform.settled().await;

    let mut expired = claims("acme", "alice", ALL);
    expired["exp"] = json!(now() - 120);
    let mut not_yet = claims("acme", "alice", ALL);
    not_yet["nbf"] = json!(now() + 600);
    let mut other_audience = claims("acme", "alice", ALL);
    other_audience["aud"] = json!("another-service");
    let mut other_issuer = claims("acme", "alice", ALL);
    other_issuer["iss"] = json!("https://evil.test");
    let mut no_tenant = claims("acme", "alice", ALL);
    no_tenant.as_object_mut().unwrap().remove("tenant_id");
    let wrong_signature = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims("acme", "alice", ALL),
        &jsonwebtoken::EncodingKey::from_secret(b"not-the-secret-not-the-secret-not-the-secret"),
    )
    .unwrap();
    let alg_none = unsigned(&claims("acme", "alice", ALL));
    let hs384 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS384),
        &claims("acme", "alice", ALL),
        &jsonwebtoken::EncodingKey::from_secret(tests::auth::TEST_SECRET.as_bytes()),
    )
    .unwrap();

    let unauthenticated: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        ("not a JWT", Some("Bearer not-a-jwt".into())),
        (
            "wrong scheme",
            Some(format!("Basic {}", sign(claims("acme", "alice", ALL)))),
        ),
        ("expired", Some(bearer(&sign(expired)))),
        ("not yet valid", Some(bearer(&sign(not_yet)))),
        ("wrong audience", Some(bearer(&sign(other_audience)))),
        ("wrong issuer", Some(bearer(&sign(other_issuer)))),
        ("wrong signature", Some(bearer(&wrong_signature))),
        ("alg none", Some(bearer(&alg_none))),
        ("alg the key does not allow", Some(bearer(&hs384))),
    ];
    let query_url = format!("{}/v1/tasks/{task}", platform.query.url);
    let projections_url = format!("{}/v1/projections", platform.projector.url);
    for (case, authorization) in &unauthenticated {
        for (service, request) in [
            (
                "command",
                reqwest::Client::new()
                    .post(format!("{}/v1/tasks/{task}/archive", platform.commands.url)),
            ),
            ("query", reqwest::Client::new().get(&query_url)),
            ("projector", reqwest::Client::new().get(&projections_url)),
        ] {
            let request = match authorization {
                Some(value) => request.header("authorization", value),
                None => request,
            };
            let response = request.send().await.unwrap();
            assert_eq!(response.status().as_u16(), 401, "{case} on {service}");
            assert_eq!(
                response
                    .headers()
                    .get("www-authenticate")
                    .and_then(|v| v.to_str().ok()),
                Some(r#"Bearer error="invalid_token""#),
                "{case} on {service}"
            );
            let body: Value = response.json().await.unwrap();
            assert_eq!(
                body["error"]["code"], "unauthenticated",
                "{case} on {service}"
            );
        }
    }

    // Valid tokens that do not allow the request: 403.
    let forbidden = [
        ("no scope", bearer(&sign(claims("acme", "alice", "")))),
        (
            "read-only",
            bearer(&sign(claims("acme", "alice", "queries:read"))),
        ),
        ("no tenant", bearer(&sign(no_tenant))),
    ];
    for (case, authorization) in &forbidden {
        let reply = client
            .command(task, "archive", None, &[("Authorization", authorization)])
            .await;
        assert_eq!(
            (reply.status, reply.error_code()),
            (403, "forbidden"),
            "{case}"
        );
    }
    let writer_only = bearer(&sign(claims("acme", "alice", "commands:write")));
    let (status, _) = get(&query_url, &writer_only, &[]).await;
    assert_eq!(status, 403, "the query API needs queries:read");
    let (status, _) = get(&projections_url, &writer_only, &[]).await;
    assert_eq!(
        status, 403,
        "the projector's detail endpoint needs ops:admin"
    );

    // The operational endpoints stay open.
    for url in [
        &platform.commands.url,
        &platform.query.url,
        &platform.projector.url,
    ] {
        for path in ["/healthz", "/readyz", "/metrics", "/openapi.json"] {
            let response = reqwest::get(format!("{url}{path}")).await.unwrap();
            assert_ne!(response.status().as_u16(), 401, "{url}{path}");
        }
    }

    let after = platform.settled().await;
    assert_eq!(
        after.len(),
        before.len(),
        "no refused request appended anything"
    );
    platform.stop().await;
}

/// A JWT with `alg: none` and no signature.
fn unsigned(claims: &Value) -> String {
    use base64::Engine;
    let encode = |value: &Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
    };
    format!(
        "{}.{}.",
        encode(&json!({ "alg": "none", "typ": "JWT" })),
        encode(claims)
    )
}

/// `AUTH_MODE=none` trusts the headers, for local experiments; streams still
/// belong to their tenant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_authentication_the_headers_name_the_caller() {
    let env = TestEnv::new();
    let api = CommandApi::start_with(command_api::Config {
        auth: platform::auth::AuthSettings::disabled(),
        ..tests::command_api::config(&env)
    })
    .await;
    let url = &api.url;
    let http = reqwest::Client::new();
    let created = http
        .post(format!("{url}/v1/tasks"))
        .header("X-Tenant-Id", "acme")
        .header("X-Actor", "ada")
        .json(&json!({ "title": "no token needed" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let task = created.json::<Value>().await.unwrap()["task_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let records = read_all(&env.brokers, &env.tasks_topic());
    let envelope = records[0].envelope();
    assert_eq!(
        (envelope.tenant_id.as_str(), envelope.actor.as_str()),
        ("acme", "ada")
    );

    let trespass = http
        .post(format!("{url}/v1/tasks/{task}/archive"))
        .header("X-Tenant-Id", "evil")
        .send()
        .await
        .unwrap();
    assert_eq!(trespass.status(), 404);
    let invalid = http
        .post(format!("{url}/v1/tasks/{task}/archive"))
        .header("X-Tenant-Id", "not a tenant")
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 400);
    api.stop().await;
}
