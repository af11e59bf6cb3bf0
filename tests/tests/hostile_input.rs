//! Hostile input never reaches the log or the read side: text the read side
//! cannot store is refused by the command API with a 400 naming the field,
//! the query API refuses control characters and impossible positions at once,
//! and — a property over random hostile text — every command the API accepts
//! is projected without being parked.

use std::time::{Duration, Instant};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};
use tests::TestEnv;
use tests::command_api::{Client, InProcess as CommandApi};
use tests::kafka::read_all;
use tests::read_side::database::{TestDatabase, caught_up};
use tests::read_side::eventually;
use tests::read_side::model::end_offsets;
use tests::read_side::services::{InProcess, PROJECTION, projector_config};

/// Characters that break storage, display or parsing somewhere, beside plain ones.
const HOSTILE: &[char] = &[
    'a', 'Z', '7', ' ', '\t', '\n', '\r', '\0', '\u{1}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}',
    '\u{a0}', '\u{200b}', '\u{202e}', '\u{2028}', '\u{feff}', '\u{fffe}', '\u{ffff}', 'é', '𝔘',
    '😀', '"', '\\', '\'', '%', '_', '*', '<', '&', ';',
];

/// Mostly plain text with hostile characters mixed in, so that both
/// accepted and refused commands are common.
fn hostile_text() -> impl Strategy<Value = String> {
    let plain = proptest::sample::select(&['a', 'b', 'x', 'Q', ' ', '1'][..]);
    proptest::collection::vec(
        proptest::prop_oneof![4 => plain, 1 => proptest::sample::select(HOSTILE)],
        0..16,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

async fn get(url: &str) -> (u16, Value) {
    let response = tests::auth::client()
        .get(url)
        .send()
        .await
        .expect("answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_the_read_side_cannot_hold_is_refused_per_field() {
    let env = TestEnv::new();
    let api = CommandApi::start(&env).await;
    let client = Client::new(&api.url);
    let task = client.create_task("target").await;
    let before = read_all(&env.brokers, &env.tasks_topic()).len();

    for (path, body, field) in [
        (
            "/v1/tasks".to_owned(),
            json!({ "title": "nul\u{0}" }),
            "title",
        ),
        (
            "/v1/tasks".to_owned(),
            json!({ "title": "two\nlines" }),
            "title",
        ),
        (
            "/v1/tasks".to_owned(),
            json!({ "title": "t", "description": "bell\u{7}" }),
            "description",
        ),
        (
            "/v1/tasks".to_owned(),
            json!({ "title": "t", "assignee": "ann\u{0}" }),
            "assignee",
        ),
        (
            "/v1/tasks".to_owned(),
            json!({ "title": "t", "tags": ["ok", "esc\u{1b}"] }),
            "tags",
        ),
        (
            format!("/v1/tasks/{task}/rename"),
            json!({ "title": "\u{0}" }),
            "title",
        ),
        (
            format!("/v1/tasks/{task}/change-description"),
            json!({ "description": "\u{0}" }),
            "description",
        ),
        (
            format!("/v1/tasks/{task}/assign"),
            json!({ "assignee": "a\u{85}b" }),
            "assignee",
        ),
        (
            format!("/v1/tasks/{task}/add-tag"),
            json!({ "tag": "t\u{0}" }),
            "tag",
        ),
    ] {
        let reply = client.post(&path, Some(body.clone()), &[]).await;
        assert_eq!(reply.status, 400, "{path} {body}: {reply:?}");
        assert_eq!(reply.body["error"]["code"], "invalid_field", "{reply:?}");
        assert_eq!(
            reply.body["error"]["details"]["field"], field,
            "{path} {body}"
        );
    }
    // Lone surrogates and invalid UTF-8 never become text: malformed JSON.
    for raw in [
        br#"{"title":"\ud800"}"#.to_vec(),
        br#"{"title":"x\udc00"}"#.to_vec(),
        b"{\"title\":\"\xff\xfe\"}".to_vec(),
    ] {
        let reply = client
            .raw(
                client
                    .http()
                    .post(format!("{}/v1/tasks", api.url))
                    .header("content-type", "application/json")
                    .body(raw.clone()),
            )
            .await;
        assert_eq!(
            (reply.status, reply.error_code()),
            (400, "malformed_json"),
            "{reply:?}"
        );
    }
    // Multi-line text is fine where the field is free text.
    let described = client
        .command(
            task,
            "change-description",
            Some(json!({ "description": "line 1\r\n\tline 2" })),
            &[],
        )
        .await;
    assert_eq!(described.status, 200, "{described:?}");
    let after = read_all(&env.brokers, &env.tasks_topic()).len();
    assert_eq!(after, before + 1, "only the valid description was appended");
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_query_api_refuses_control_characters_and_impossible_positions_at_once() {
    let env = TestEnv::with_partitions(3);
    let database = TestDatabase::create().await;
    let commands = CommandApi::start(&env).await;
    let query = InProcess::query_api(&env, &database).await;
    let client = Client::new(&commands.url);
    let created = client.create(json!({ "title": "bounded" })).await;
    let position = created.body["position"].as_str().unwrap().to_owned();
    let (topic, rest) = position.split_once(':').unwrap();
    let (partition, offset) = rest.split_once(':').unwrap();
    let offset: i64 = offset.parse().unwrap();

    for parameter in ["assignee", "tag", "q", "status", "limit", "cursor", "sort"] {
        let (status, body) = get(&format!("{}/v1/tasks?{parameter}=x%00y", query.url)).await;
        assert_eq!(status, 400, "{parameter}: {body}");
        assert_eq!(body["error"]["code"], "invalid_parameter", "{parameter}");
    }
    let (status, body) = get(&format!("{}/v1/tasks?q%00=x", query.url)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_parameter"))
    );
    let task = created.body["task_id"].as_str().unwrap();
    let (status, _) = get(&format!("{}/v1/tasks/{task}/history?cursor=%01", query.url)).await;
    assert_eq!(status, 400);
    let (status, _) = get(&format!("{}/v1/stats/tasks?from=%00", query.url)).await;
    assert_eq!(status, 400);

    // Positions no event has: answered at once, not after the wait runs out.
    for token in [
        format!("{topic}:3:0"),
        format!("{topic}:99:0"),
        format!("{topic}:{partition}:{}", offset + 1_000),
    ] {
        let started = Instant::now();
        let (status, body) = get(&format!(
            "{}/v1/tasks/{task}?consistency_token={token}&consistency_timeout_ms=5000",
            query.url
        ))
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("invalid_parameter")),
            "{token}: {body}"
        );
        assert!(started.elapsed() < Duration::from_secs(3), "{token} waited");
    }
    query.stop().await;
    commands.stop().await;
    database.drop_database().await;
}

/// A property over random hostile text: whatever the command API accepts,
/// the projector applies; nothing is ever parked, and the read model holds
/// exactly the accepted (trimmed) values.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_accepted_command_projects_without_parking() {
    let env = TestEnv::with_partitions(3);
    let database = TestDatabase::create().await;
    let commands = CommandApi::start(&env).await;
    let projector = InProcess::projector(projector_config(&env, &database)).await;
    let query = InProcess::query_api(&env, &database).await;
    let client = Client::new(&commands.url);

    let mut runner = TestRunner::deterministic();
    let strategy = (
        hostile_text(),
        proptest::option::of(hostile_text()),
        proptest::option::of(hostile_text()),
        proptest::option::of(hostile_text()),
    );
    let mut accepted = Vec::new();
    let (mut refused, mut cases) = (0, 0);
    for _ in 0..120 {
        let (title, description, assignee, tag) = strategy.new_tree(&mut runner).unwrap().current();
        cases += 1;
        let mut body = json!({ "title": title });
        for (field, value) in [("description", description), ("assignee", assignee)] {
            if let Some(value) = value {
                body[field] = json!(value);
            }
        }
        if let Some(tag) = tag {
            body["tags"] = json!([tag]);
        }
        let reply = client.create(body.clone()).await;
        match reply.status {
            201 => accepted.push((
                reply.body["task_id"].as_str().unwrap().to_owned(),
                title.trim().to_owned(),
            )),
            400 => refused += 1,
            other => panic!("{other} for {body}: {reply:?}"),
        }
        // Renames on tasks that exist, with more hostile titles.
        if let Some((task, current)) = accepted.last_mut() {
            let (title, ..) = strategy.new_tree(&mut runner).unwrap().current();
            let reply = client
                .post(
                    &format!("/v1/tasks/{task}/rename"),
                    Some(json!({ "title": title })),
                    &[],
                )
                .await;
            match reply.status {
                200 => *current = title.trim().to_owned(),
                400 => refused += 1,
                other => panic!("{other} for rename {title:?}: {reply:?}"),
            }
        }
        // Searches with hostile text never fail the query API.
        let (q, ..) = strategy.new_tree(&mut runner).unwrap().current();
        let url = reqwest::Url::parse_with_params(&format!("{}/v1/tasks", query.url), [("q", &q)])
            .unwrap();
        let (status, body) = get(url.as_str()).await;
        assert!(matches!(status, 200 | 400), "q={q:?}: {status} {body}");
    }
    assert!(
        accepted.len() > 10 && refused > 10,
        "the property saw both sides: {} accepted, {refused} refused of {cases}",
        accepted.len()
    );

    let records = read_all(&env.brokers, &env.tasks_topic());
    let ends = end_offsets(&records);
    let pool = database.pool().await;
    let topic = env.tasks_topic();
    eventually(Duration::from_secs(60), "the projection catches up", || {
        caught_up(&pool, PROJECTION, &topic, &ends)
    })
    .await;
    let parked: i64 = sqlx::query_scalar("SELECT count(*) FROM parked_events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(parked, 0, "an accepted command was parked");
    for (task, title) in &accepted {
        let (status, body) = get(&format!("{}/v1/tasks/{task}", query.url)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["title"].as_str(), Some(title.as_str()));
    }
    query.stop().await;
    projector.stop().await;
    commands.stop().await;
    database.drop_database().await;
}
