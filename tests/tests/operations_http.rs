//! The operators' actions over HTTP, as the console uses them, against the
//! real Kafka and PostgreSQL: rebuild, rollback and drop of a projection
//! version on the projector; parked events listed, retried and skipped,
//! each caller seeing only its own tenant's; and the command API instances
//! with the partitions each owns. All of them need `ops:admin`.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tests::TestEnv;
use tests::auth::{bearer, token};
use tests::command_api;
use tests::read_side::database::{TestDatabase, caught_up};
use tests::read_side::eventually;
use tests::read_side::producer::EventProducer;
use tests::read_side::services::{InProcess, projector_config};
use tests::read_side::story::{Rng, TaskStory};

const OPS: [&str; 1] = ["ops:admin"];

struct Operator {
    http: reqwest::Client,
    token: String,
    url: String,
}

impl Operator {
    fn new(url: &str, tenant: &str, scopes: &[&str]) -> Self {
        Self {
            http: reqwest::Client::new(),
            token: bearer(&token(tenant, "ada", scopes)),
            url: url.to_owned(),
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.url))
            .header("authorization", &self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the service answers");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, body).await
    }

    /// The role of `projection` (`tasks.v2`) on `GET /v1/projections`.
    async fn role_of(&self, projection: &str) -> Option<String> {
        let (_, listed) = self.get("/v1/projections").await;
        listed["projections"]
            .as_array()?
            .iter()
            .find(|entry| entry["projection"] == projection)
            .and_then(|entry| entry["role"].as_str().map(str::to_owned))
    }
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_rebuilds_rolls_back_and_drops_a_version_over_http() {
    let env = TestEnv::with_partitions(2);
    let database = TestDatabase::create().await;
    let producer = EventProducer::new(&env).await;
    let mut rng = Rng::new(5);
    let mut story = TaskStory::new("acme");
    producer.send(&story.create("rebuilt", &mut rng)).await;
    let projector = InProcess::projector(projector_config(&env, &database)).await;
    let operator = Operator::new(&projector.url, "acme", &OPS);

    // Without ops:admin: 403 insufficient_scope, nothing started.
    let reader = Operator::new(&projector.url, "acme", &["queries:read"]);
    let (status, body) = reader.post("/v1/projections/tasks/rebuild", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    let (status, body) = operator.post("/v1/projections/nothing/rebuild", None).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "projection_not_found"),
        "{body}"
    );

    let (status, started) = operator.post("/v1/projections/tasks/rebuild", None).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    assert_eq!(started["building"], "tasks.v2");
    assert_eq!(started["live"], 1);
    let (status, again) = operator.post("/v1/projections/tasks/rebuild", None).await;
    assert_eq!(
        (status, code(&again)),
        (StatusCode::CONFLICT, "rebuild_in_progress"),
        "{again}"
    );

    eventually(Duration::from_secs(60), "tasks.v2 goes live", || async {
        operator.role_of("tasks.v2").await.as_deref() == Some("live")
    })
    .await;

    let (status, switched) = operator.post("/v1/projections/tasks/rollback", None).await;
    assert_eq!(status, StatusCode::OK, "{switched}");
    assert_eq!(
        (switched["from"].as_u64(), switched["to"].as_u64()),
        (Some(2), Some(1))
    );

    let (status, body) = operator
        .post("/v1/projections/tasks/versions/1/drop", None)
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "version_is_live"),
        "{body}"
    );
    let (status, dropped) = operator
        .post("/v1/projections/tasks/versions/2/drop?force=true", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{dropped}");
    assert_eq!(dropped["dropped"], "tasks.v2");
    eventually(Duration::from_secs(10), "tasks.v2 is gone", || async {
        operator.role_of("tasks.v2").await.is_none()
    })
    .await;

    projector.stop().await;
    database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parked_events_are_listed_retried_and_skipped_within_the_tenant() {
    let env = TestEnv::with_partitions(1);
    let database = TestDatabase::create().await;
    let producer = EventProducer::new(&env).await;
    let mut rng = Rng::new(8);
    // A task of acme created at a schema version this build cannot read.
    let mut story = TaskStory::new("acme");
    let mut created = story.create("ignored", &mut rng);
    created.schema_version = 9;
    producer.send(&created).await;
    let ends = producer.ends();
    let projector = InProcess::projector(projector_config(&env, &database)).await;
    let pool = database.pool().await;
    let topic = env.tasks_topic();
    eventually(Duration::from_secs(30), "the log is worked off", || {
        caught_up(&pool, "tasks.v1", &topic, &ends)
    })
    .await;

    let acme = Operator::new(&projector.url, "acme", &OPS);
    let globex = Operator::new(&projector.url, "globex", &OPS);
    let (status, listed) = acme.get("/v1/parked?projection=tasks.v1").await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let parked = listed["parked"].as_array().unwrap();
    assert_eq!(parked.len(), 1, "{listed}");
    assert!(
        parked[0]["error"]
            .as_str()
            .unwrap()
            .contains("schema version 9"),
        "{listed}"
    );
    assert_eq!(parked[0]["payload"]["tenant_id"], "acme", "{listed}");
    let id = parked[0]["id"].as_i64().unwrap();

    // Another tenant's operator sees nothing of it (nor of the other
    // projections' copies of it) and cannot touch it.
    let (_, theirs) = globex.get("/v1/parked").await;
    assert_eq!(theirs["parked"], json!([]), "{theirs}");
    let (status, body) = globex.post(&format!("/v1/parked/{id}/retry"), None).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "parked_event_not_found"),
        "{body}"
    );

    // A retry with this build keeps it parked, and says why.
    let (status, retried) = acme.post(&format!("/v1/parked/{id}/retry"), None).await;
    assert_eq!(status, StatusCode::OK, "{retried}");
    assert_eq!(retried["still_parked"]["id"], id, "{retried}");

    // A skip needs who and why.
    let (status, body) = acme
        .post(
            &format!("/v1/parked/{id}/skip"),
            Some(json!({ "by": "ada" })),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_field"),
        "{body}"
    );
    assert_eq!(body["error"]["details"]["field"], "reason");
    let (status, skipped) = acme
        .post(
            &format!("/v1/parked/{id}/skip"),
            Some(json!({ "by": "ada", "reason": "written by a newer build" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{skipped}");
    assert_eq!(
        (skipped["skipped"].as_i64(), skipped["waiting"].as_u64()),
        (Some(id), Some(0))
    );
    let (_, left) = acme.get("/v1/parked?projection=tasks.v1").await;
    assert_eq!(left["parked"], json!([]), "{left}");
    let (_, resolved) = acme.get("/v1/parked?projection=tasks.v1&status=all").await;
    assert_eq!(resolved["parked"][0]["skipped_by"], "ada", "{resolved}");

    projector.stop().await;
    database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_api_lists_its_instances_and_their_partitions_for_operators() {
    let env = TestEnv::with_partitions(3);
    let api = command_api::InProcess::start(&env).await;
    command_api::wait_ready(&api.url).await;
    let writer = Operator::new(&api.url, "acme", &["commands:write"]);
    let (status, body) = writer.get("/v1/instances").await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "forbidden"),
        "{body}"
    );

    let operator = Operator::new(&api.url, "acme", &OPS);
    let topic = env.tasks_topic();
    eventually(
        Duration::from_secs(20),
        "the instance owns every partition",
        || async {
            let (status, listed) = operator.get("/v1/instances").await;
            status == StatusCode::OK
                && listed["instances"][0]["url"] == api.url.as_str()
                && listed["instances"][0]["answering"] == true
                && listed["instances"][0]["partitions"][&topic] == json!([0, 1, 2])
        },
    )
    .await;
    api.stop().await;
}
