//! A property fuzz of the HTTP layer: random methods, paths, headers,
//! parameters and bodies (random JSON, plausible bodies with random values,
//! random bytes) against every route of the command API and the query API,
//! in-process against the real Kafka and PostgreSQL. Every answer must be
//! below 500, in the error shape when it is a 4xx, and documented by the
//! service's OpenAPI document for its operation and status, body included;
//! and no refusal of the command API may append anything to the log.

use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use tests::TestEnv;
use tests::command_api::{self, Client};
use tests::contract::check_answer;
use tests::kafka::{EndOffsets, read_from};
use tests::read_side::database::TestDatabase;
use tests::read_side::eventually;
use tests::read_side::services::{InProcess, projector_config, query_api_config};

/// Cases per service: enough to reach every route with every kind of input,
/// few enough that both fuzzes finish in well under a minute.
/// `HTTP_FUZZ_CASES` asks for more when hunting.
fn cases() -> u32 {
    std::env::var("HTTP_FUZZ_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(300)
}

/// How often each status came back, printed at the end (`--nocapture`), so
/// a fuzz that stopped reaching the handlers shows.
#[derive(Default)]
struct Statuses(std::sync::Mutex<std::collections::BTreeMap<(u16, String), u32>>);

impl Statuses {
    fn count(&self, answer: &Answer) {
        let code = serde_json::from_slice::<Value>(&answer.body)
            .ok()
            .and_then(|body| body["error"]["code"].as_str().map(str::to_owned))
            .unwrap_or_default();
        *self
            .0
            .lock()
            .unwrap()
            .entry((answer.status, code))
            .or_default() += 1;
    }

    fn print(&self, service: &str) {
        eprintln!("{service}: answers by status: {:?}", self.0.lock().unwrap());
    }
}

/// One fuzzed request.
#[derive(Clone)]
struct Fuzzed {
    method: &'static str,
    /// The path, percent-encoded as sent.
    path: String,
    /// The path as the service decodes it, to find its operation.
    decoded_path: String,
    query: String,
    headers: Vec<(&'static str, Vec<u8>)>,
    body: Option<Vec<u8>>,
}

impl std::fmt::Debug for Fuzzed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lossy = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        let headers: Vec<(&str, String)> = self
            .headers
            .iter()
            .map(|(name, value)| (*name, lossy(value)))
            .collect();
        let body = self.body.as_deref().map(|body| {
            let text = lossy(body);
            match text.len() > 300 {
                true => format!(
                    "{}... ({} bytes)",
                    &text[..text.floor_char_boundary(300)],
                    body.len()
                ),
                false => text,
            }
        });
        f.debug_struct("Fuzzed")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body", &body)
            .finish()
    }
}

struct Answer {
    status: u16,
    headers: Vec<String>,
    body: Vec<u8>,
}

async fn send(http: &reqwest::Client, base: &str, request: &Fuzzed) -> Result<Answer, String> {
    let url = match request.query.is_empty() {
        true => format!("{base}{}", request.path),
        false => format!("{base}{}?{}", request.path, request.query),
    };
    let method = reqwest::Method::from_bytes(request.method.as_bytes()).unwrap();
    let mut builder = http.request(method, url);
    for (name, value) in &request.headers {
        // Bytes a header value cannot carry are not generated.
        let value = reqwest::header::HeaderValue::from_bytes(value).map_err(|e| e.to_string())?;
        builder = builder.header(*name, value);
    }
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    let response = builder
        .send()
        .await
        .map_err(|error| format!("no answer: {error}"))?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .keys()
        .map(|name| name.as_str().to_owned())
        .collect();
    let body = response.bytes().await.map_err(|e| e.to_string())?.to_vec();
    Ok(Answer {
        status,
        headers,
        body,
    })
}

// ---------------------------------------------------------------------------
// values

/// Text around every rule: control characters, the spaces services trim,
/// wide characters, JSON and URL syntax, and long runs.
fn text() -> impl Strategy<Value = String> {
    let character = prop_oneof![
        6 => proptest::char::range('a', 'z'),
        2 => Just(' '),
        1 => prop::sample::select(vec!['\0', '\t', '\n', '\r', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}']),
        1 => prop::sample::select(vec!['\u{3000}', '\u{a0}', '\u{2028}', '\u{feff}', 'é', '😀', '\u{200b}', '"', '\\', '%', '&', '=', ',', ':', '/', '?', '#']),
    ];
    prop_oneof![
        8 => proptest::collection::vec(character.clone(), 0..12),
        1 => proptest::collection::vec(character, 190..260),
        1 => any::<String>().prop_map(|s| s.chars().collect()),
    ]
    .prop_map(|characters| characters.into_iter().collect())
}

/// Bytes a header value can carry: visible ASCII, spaces, tabs, obs-text.
fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        8 => 0x21u8..=0x7e,
        1 => Just(b' '),
        1 => Just(b'\t'),
        1 => 0x80u8..=0xff,
    ];
    prop_oneof![
        4 => proptest::collection::vec(byte.clone(), 0..20),
        1 => proptest::collection::vec(byte, 250..300),
    ]
}

fn header_value(plausible: Vec<&'static str>) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop::sample::select(plausible).prop_map(|value| value.as_bytes().to_vec()),
        1 => header_bytes(),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        text().prop_map(Value::String),
    ];
    let key = prop_oneof![
        prop::sample::select(vec![
            "title",
            "description",
            "priority",
            "due_date",
            "assignee",
            "tags",
            "tag",
            "task_id",
        ])
        .prop_map(str::to_owned),
        text(),
    ];
    leaf.prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// A plausible value of a command field (mostly valid, sometimes not),
/// or any JSON at all.
fn field_value(name: &str) -> BoxedStrategy<Value> {
    let plausible: Vec<Value> = match name {
        "title" | "tag" | "assignee" => vec![
            json!("Write the docs"),
            json!("  padded  "),
            json!("é 😀"),
            json!("ann"),
        ],
        "description" => vec![json!("line one\nline two"), json!("  "), Value::Null],
        "priority" => vec![json!("low"), json!("urgent"), json!("HIGH"), Value::Null],
        "due_date" => vec![
            json!("2030-01-31"),
            json!("2030-02-30"),
            json!("30-01-01"),
            Value::Null,
        ],
        "tags" => vec![
            json!(["a", "b", "a"]),
            json!([]),
            json!(vec!["x"; 25]),
            Value::Null,
        ],
        "task_id" => vec![
            json!(uuid::Uuid::now_v7()),
            json!("not-a-uuid"),
            Value::Null,
        ],
        _ => vec![Value::Null],
    };
    prop_oneof![
        6 => prop::sample::select(plausible),
        2 => text().prop_map(Value::String),
        1 => json_value(),
    ]
    .boxed()
}

/// The body fields of each command, as `events/src/task/parse/bodies.rs` has them.
fn fields_of(command: &str) -> &'static [&'static str] {
    match command {
        "create" => &[
            "title",
            "description",
            "priority",
            "due_date",
            "assignee",
            "tags",
            "task_id",
        ],
        "rename" => &["title"],
        "change-description" => &["description"],
        "change-priority" => &["priority"],
        "reschedule" => &["due_date"],
        "assign" => &["assignee"],
        "add-tag" | "remove-tag" => &["tag"],
        _ => &[],
    }
}

/// An object with the command's fields, each kept most of the time, and
/// now and then a field that does not belong.
fn plausible_body(fields: &'static [&'static str]) -> impl Strategy<Value = Value> {
    let values: Vec<_> = fields
        .iter()
        .map(|name| (proptest::bool::weighted(0.85), field_value(name)))
        .collect();
    let stray = proptest::option::weighted(0.1, (text(), json_value()));
    (values, stray).prop_map(move |(values, stray)| {
        let mut body: serde_json::Map<String, Value> = fields
            .iter()
            .zip(values)
            .filter(|(_, (keep, _))| *keep)
            .map(|(name, (_, value))| ((*name).to_owned(), value))
            .collect();
        if let Some((name, value)) = stray {
            body.insert(name, value);
        }
        Value::Object(body)
    })
}

fn body(fields: &'static [&'static str]) -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        2 => Just(None),
        6 => plausible_body(fields).prop_map(|body| Some(body.to_string().into_bytes())),
        1 => json_value().prop_map(|body| Some(body.to_string().into_bytes())),
        1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(Some),
        // A lone surrogate, a truncated document, a body over the limit.
        1 => prop::sample::select(vec![
            br#"{"title": "\ud800"}"#.to_vec(),
            br#"{"title": "a\udc00b"}"#.to_vec(),
            br#"{"title": "x""#.to_vec(),
            vec![b' '; 70_000],
        ])
        .prop_map(Some),
    ]
}

/// Every byte outside the unreserved set percent-encoded.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// A path segment as sent and as decoded.
fn segment(plausible: Vec<String>) -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        4 => prop::sample::select(plausible).prop_map(|s| (s.clone(), s)),
        1 => text()
            .prop_filter("a segment", |s| !s.is_empty() && !s.contains('/'))
            .prop_map(|s| (percent_encode(&s), s)),
    ]
}

fn method(usual: &'static str) -> impl Strategy<Value = &'static str> {
    prop_oneof![
        8 => Just(usual),
        1 => prop::sample::select(vec!["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
    ]
}

fn headers(
    names: Vec<(&'static str, Vec<&'static str>)>,
) -> impl Strategy<Value = Vec<(&'static str, Vec<u8>)>> {
    let each: Vec<_> = names
        .into_iter()
        .map(|(name, plausible)| {
            proptest::option::weighted(0.3, header_value(plausible))
                .prop_map(move |value| value.map(|value| (name, value)))
        })
        .collect();
    each.prop_map(|headers| headers.into_iter().flatten().collect())
}

/// `Authorization` values: a valid token of the tests' tenant with `scope`,
/// then one of another tenant, one without the scope, and the ways of
/// getting it wrong. Made once and leaked: strategies hold `'static` values.
fn authorizations(scope: &str) -> Vec<&'static str> {
    use tests::auth::{DEFAULT_SUBJECT, DEFAULT_TENANT, bearer, now, sign, token};
    let expired = json!({ "sub": DEFAULT_SUBJECT, "tenant_id": DEFAULT_TENANT, "scope": scope, "exp": now() - 3600 });
    let values = vec![
        bearer(&token(DEFAULT_TENANT, DEFAULT_SUBJECT, &[scope])),
        // Another tenant: the tests' tasks are not found for it.
        bearer(&token("acme", DEFAULT_SUBJECT, &[scope])),
        bearer(&token(DEFAULT_TENANT, DEFAULT_SUBJECT, &["some:other"])),
        bearer(&sign(expired)),
        // alg: none
        "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhbm9ueW1vdXMiLCJ0ZW5hbnRfaWQiOiJkZWZhdWx0In0.".to_owned(),
        "Bearer not.a.token".to_owned(),
        "Basic dXNlcjpwYXNz".to_owned(),
        "Bearer".to_owned(),
    ];
    values
        .into_iter()
        .map(|value| &*Box::leak(value.into_boxed_str()))
        .collect()
}

/// The `Authorization` header of a fuzzed request: mostly the valid token
/// (the first of `values`), else another of them, none, or random bytes.
fn authorization(values: Vec<&'static str>) -> impl Strategy<Value = Option<Vec<u8>>> {
    let valid = values[0];
    prop_oneof![
        12 => Just(Some(valid.as_bytes().to_vec())),
        4 => prop::sample::select(values).prop_map(|value| Some(value.as_bytes().to_vec())),
        1 => Just(None),
        1 => header_bytes().prop_map(Some),
    ]
}

const CONTENT_TYPES: [&str; 6] = [
    "application/json",
    "application/json; charset=utf-8",
    "application/merge-patch+json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "",
];

// ---------------------------------------------------------------------------
// the command API

fn command_request(tasks: Vec<String>) -> impl Strategy<Value = Fuzzed> {
    let authorization = authorization(authorizations(platform::auth::SCOPE_COMMANDS_WRITE));
    let mut ids = tasks;
    ids.extend([uuid::Uuid::now_v7().to_string(), "not-a-uuid".into()]);
    let mut commands: Vec<String> = events::task::TaskCommand::NAMES
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    commands.push("bogus".into());
    // (path as sent, path as decoded, the command whose fields the body has)
    let path = prop_oneof![
        3 => Just(("/v1/tasks".to_owned(), "/v1/tasks".to_owned(), "create".to_owned())),
        6 => (segment(ids), segment(commands)).prop_map(|((id, raw_id), (name, raw_name))| {
            (format!("/v1/tasks/{id}/{name}"), format!("/v1/tasks/{raw_id}/{raw_name}"), raw_name)
        }),
        1 => prop::sample::select(vec!["/", "/v1", "/v1/tasks/x/y/z", "/healthz", "/readyz", "/metrics", "/openapi.json"])
            .prop_map(|p| (p.to_owned(), p.to_owned(), String::new())),
    ];
    let headers = headers(vec![
        ("content-type", CONTENT_TYPES.to_vec()),
        ("idempotency-key", vec!["key-1", "key-2", "k"]),
        (
            "if-match",
            vec![
                "\"1\"",
                "W/\"2\"",
                "*",
                "3",
                "\"-1\"",
                "\"99999999999999999999\"",
            ],
        ),
        ("x-tenant-id", vec!["default", "acme", "bad tenant!", ""]),
        ("x-actor", vec!["anonymous", "ada", ""]),
        ("x-correlation-id", vec!["c-1"]),
        ("x-request-id", vec!["r-1"]),
    ]);
    let json_content = proptest::bool::weighted(0.8);
    (method("POST"), path, headers, json_content, authorization).prop_flat_map(
        |(method, (path, decoded_path, command), mut headers, json_content, authorization)| {
            headers.extend(authorization.map(|value| ("authorization", value)));
            // Most bodies say what they are, so they reach the parser.
            if json_content && !headers.iter().any(|(name, _)| *name == "content-type") {
                headers.push(("content-type", b"application/json".to_vec()));
            }
            body(fields_of(&command)).prop_map(move |body| Fuzzed {
                method,
                path: path.clone(),
                decoded_path: decoded_path.clone(),
                query: String::new(),
                headers: headers.clone(),
                body,
            })
        },
    )
}

#[test]
fn the_command_api_survives_random_requests_and_refusals_append_nothing() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let env = TestEnv::with_partitions(3);
    let api = runtime.block_on(command_api::InProcess::start(&env));
    let client = Client::new(&api.url);
    let (open, archived) = runtime.block_on(async {
        let open = client.create_task("fuzzed").await;
        let archived = client.create_task("archived").await;
        let reply = client.command(archived, "archive", None, &[]).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        (open, archived)
    });
    let document = ::command_api::http::openapi::openapi_document();
    let topic = env.tasks_topic();
    let ends = EndOffsets::new(&env.brokers, &topic);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();

    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = command_request(vec![open.to_string(), archived.to_string()]);
    let statuses = Statuses::default();
    let result = runner.run(&strategy, |request| {
        let before = ends.now();
        let answer = runtime
            .block_on(send(&http, &api.url, &request))
            .map_err(TestCaseError::fail)?;
        statuses.count(&answer);
        check_answer(
            document,
            request.method,
            &request.decoded_path,
            answer.status,
            &answer.headers,
            &answer.body,
        )
        .map_err(|problem| TestCaseError::fail(format!("{problem}\n{request:?}")))?;
        if !(200..300).contains(&answer.status) {
            // A moved end offset may be the commit marker of an earlier
            // success; only a record would be an append.
            let after = ends.now();
            if after != before {
                let appended = read_from(&env.brokers, &topic, &before);
                prop_assert!(
                    appended.is_empty(),
                    "{} refused, yet appended (ends {before:?} -> {after:?}): {:?}\n{request:?}",
                    answer.status,
                    appended
                        .iter()
                        .map(|record| (record.partition, record.offset, record.json()))
                        .collect::<Vec<_>>()
                );
            }
        }
        Ok(())
    });
    runtime.block_on(api.stop());
    statuses.print("command API");
    if let Err(error) = result {
        panic!("{error}");
    }
}

// ---------------------------------------------------------------------------
// the query API

const QUERY_PARAMETERS: [&str; 14] = [
    "status",
    "priority",
    "assignee",
    "tag",
    "due_before",
    "due_after",
    "q",
    "sort",
    "cursor",
    "limit",
    "from",
    "to",
    "consistency_token",
    "consistency_timeout_ms",
];

/// A plausible value of the parameter `name` (mostly valid), or any text.
fn query_value(name: &str, position: &str) -> BoxedStrategy<String> {
    let plausible: Vec<String> = match name {
        "status" => vec!["open", "open,completed", " archived ", "closed"],
        "priority" => vec!["high", "low,urgent", "HIGH"],
        "assignee" => vec!["ann", " ann ", ""],
        "tag" => vec!["docs", "x", ""],
        "due_before" | "due_after" | "from" | "to" => {
            vec!["2030-01-01", "2031-12-31", "2030-13-01", "2030-1-1"]
        }
        "q" => vec!["one", "open o", "!!", "docs"],
        "sort" => vec!["-created_at", "created_at", "title"],
        "cursor" => vec!["dDF8MHwwfGQ", "garbage", ""],
        "limit" => vec!["1", "0", "201", "50", "+5"],
        "consistency_token" => vec![
            position,
            "events.other:0:0",
            "x:99999:0",
            "x:0:999999999999",
            "garbage",
        ],
        "consistency_timeout_ms" => vec!["0", "50", "abc", "-1", "99999999999999999999"],
        _ => vec![""],
    }
    .into_iter()
    .map(str::to_owned)
    .collect();
    prop_oneof![3 => prop::sample::select(plausible), 1 => text()].boxed()
}

fn query_string(position: String) -> impl Strategy<Value = String> {
    let name = prop_oneof![
        6 => prop::sample::select(QUERY_PARAMETERS.to_vec()).prop_map(str::to_owned),
        1 => text(),
    ];
    let pair = name.prop_flat_map(move |name| {
        let value = query_value(&name, &position);
        (Just(name), value)
    });
    prop_oneof![
        8 => proptest::collection::vec(pair, 0..4).prop_map(|pairs| {
            pairs
                .iter()
                .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
                .collect::<Vec<_>>()
                .join("&")
        }),
        1 => prop::sample::select(vec!["%zz", "a=%ff%fe", "=", "&&", "q=%00", "tag=%E0%A4%A"]).prop_map(str::to_owned),
    ]
}

fn query_request(tasks: Vec<String>, position: String) -> impl Strategy<Value = Fuzzed> {
    let mut ids = tasks;
    ids.extend([uuid::Uuid::now_v7().to_string(), "not-a-uuid".into()]);
    let path = prop_oneof![
        3 => Just(("/v1/tasks".to_owned(), "/v1/tasks".to_owned())),
        3 => segment(ids.clone()).prop_map(|(id, raw)| (format!("/v1/tasks/{id}"), format!("/v1/tasks/{raw}"))),
        2 => segment(ids).prop_map(|(id, raw)| (format!("/v1/tasks/{id}/history"), format!("/v1/tasks/{raw}/history"))),
        2 => Just(("/v1/stats/tasks".to_owned(), "/v1/stats/tasks".to_owned())),
        1 => prop::sample::select(vec!["/", "/v1/tasks/x/y/z", "/healthz", "/readyz", "/metrics", "/openapi.json"])
            .prop_map(|p| (p.to_owned(), p.to_owned())),
    ];
    let leaked: &'static str = Box::leak(position.clone().into_boxed_str());
    let headers = headers(vec![
        ("x-tenant-id", vec!["default", "acme", "bad tenant!", ""]),
        (
            "x-consistency-token",
            vec![leaked, "events.other:0:0", "x:99999:0", "garbage"],
        ),
        (
            "x-consistency-timeout-ms",
            vec!["0", "50", "abc", "-1", "99999999999999999999"],
        ),
        ("if-none-match", vec!["\"1\"", "*", "W/\"1\", \"2\""]),
        ("content-type", CONTENT_TYPES.to_vec()),
    ]);
    let body = prop_oneof![4 => Just(None), 1 => body(&[])];
    let authorization = authorization(authorizations(platform::auth::SCOPE_QUERIES_READ));
    (
        method("GET"),
        path,
        query_string(position),
        headers,
        body,
        authorization,
    )
        .prop_map(
            |(method, (path, decoded_path), query, mut headers, body, authorization)| {
                headers.extend(authorization.map(|value| ("authorization", value)));
                Fuzzed {
                    method,
                    path,
                    decoded_path,
                    query,
                    headers,
                    body,
                }
            },
        )
}

#[test]
fn the_query_api_survives_random_requests() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let env = TestEnv::with_partitions(3);
    let (database, commands, projector, query, tasks, position) = runtime.block_on(async {
        let database = TestDatabase::create().await;
        let commands = command_api::InProcess::start(&env).await;
        let projector = InProcess::projector(projector_config(&env, &database)).await;
        // Short waits: a token the projection has not reached costs little.
        let consistency = query_api::config::ConsistencySettings {
            default_wait: Duration::from_millis(100),
            max_wait: Duration::from_millis(300),
        };
        let mut config = query_api_config(&env, &database);
        config.consistency = consistency;
        let query = InProcess::query_api_with(config).await;
        let client = Client::new(&commands.url);
        let mut tasks = Vec::new();
        let mut position = String::new();
        for (title, then) in [("open one", None), ("done one", Some("complete")), ("gone one", Some("archive"))] {
            let created = client
                .create(json!({ "title": title, "tags": ["docs"], "assignee": "ann", "due_date": "2030-01-02" }))
                .await;
            assert_eq!(created.status, 201, "{created:?}");
            let task: uuid::Uuid = created.body["task_id"].as_str().unwrap().parse().unwrap();
            position = created.body["position"].as_str().unwrap().to_owned();
            if let Some(command) = then {
                let reply = client.command(task, command, None, &[]).await;
                assert_eq!(reply.status, 200, "{reply:?}");
                position = reply.body["position"].as_str().unwrap().to_owned();
            }
            tasks.push(task.to_string());
        }
        // Every task is projected (its latest version readable) before the fuzz.
        let http = tests::auth::client();
        for task in &tasks {
            let url = format!("{}/v1/tasks/{task}", query.url);
            eventually(Duration::from_secs(30), "the projection has the tasks", || {
                let request = http.get(&url).send();
                async move {
                    match request.await {
                        Ok(response) if response.status() == 200 => {
                            let body: Value = response.json().await.unwrap_or_default();
                            body["status"] != "open" || body["title"] == "open one"
                        }
                        _ => false,
                    }
                }
            })
            .await;
        }
        (database, commands, projector, query, tasks, position)
    });
    let document = query_api::http::openapi::openapi_document();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();

    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let statuses = Statuses::default();
    let result = runner.run(&query_request(tasks, position), |request| {
        let answer = runtime
            .block_on(send(&http, &query.url, &request))
            .map_err(TestCaseError::fail)?;
        statuses.count(&answer);
        check_answer(
            document,
            request.method,
            &request.decoded_path,
            answer.status,
            &answer.headers,
            &answer.body,
        )
        .map_err(|problem| TestCaseError::fail(format!("{problem}\n{request:?}")))?;
        Ok(())
    });
    runtime.block_on(async {
        query.stop().await;
        projector.stop().await;
        commands.stop().await;
        database.drop_database().await;
    });
    statuses.print("query API");
    if let Err(error) = result {
        panic!("{error}");
    }
}
