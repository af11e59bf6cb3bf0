//! The HTTP layer of every service against the real services (real Kafka and
//! PostgreSQL): every error answer is JSON in the error contract, even the
//! ones the HTTP/1 dispatcher writes before any of our code runs; slow or
//! unread bodies cannot hold a connection; every answer carries the security
//! headers; CORS; rate limits per tenant.
//!
//! Requests the HTTP clients would refuse to send are written on raw TCP.

use std::time::{Duration, Instant};

use platform::config::{HttpSettings, RateLimitSettings};
use serde_json::{Value, json};
use tests::TestEnv;
use tests::auth::{ALL_SCOPES, DEFAULT_SUBJECT, DEFAULT_TENANT, bearer, token};
use tests::command_api::{self, Client};
use tests::read_side::database::TestDatabase;
use tests::read_side::services::{InProcess, projector_config};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An answer read off a raw connection.
#[derive(Debug)]
struct RawAnswer {
    status: u16,
    /// Header names lowercased.
    headers: Vec<(String, String)>,
    body: Value,
}

impl RawAnswer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header == name)
            .map(|(_, value)| value.as_str())
    }

    fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// The error contract: JSON `{error: {code, message, details}}`, not
    /// sniffable, not stored.
    fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(self.code(), code, "{self:?}");
        assert!(self.body["error"]["message"].is_string(), "{self:?}");
        assert!(self.body["error"]["details"].is_object(), "{self:?}");
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{self:?}"
        );
        assert_eq!(
            self.header("x-content-type-options"),
            Some("nosniff"),
            "{self:?}"
        );
        assert_eq!(self.header("cache-control"), Some("no-store"), "{self:?}");
    }
}

fn address(url: &str) -> String {
    url.trim_start_matches("http://").to_owned()
}

async fn connect(url: &str) -> TcpStream {
    TcpStream::connect(address(url)).await.expect("connect")
}

/// Reads one answer: the head, then `content-length` bytes of body.
async fn read_answer(stream: &mut TcpStream) -> RawAnswer {
    let deadline = Duration::from_secs(20);
    tokio::time::timeout(deadline, read_answer_unbounded(stream))
        .await
        .expect("an answer within 20 s")
}

async fn read_answer_unbounded(stream: &mut TcpStream) -> RawAnswer {
    let mut received = Vec::new();
    let mut buffer = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let read = stream.read(&mut buffer).await.expect("read the answer");
        assert!(read > 0, "connection closed before an answer: {received:?}");
        received.extend_from_slice(&buffer[..read]);
    };
    let head = String::from_utf8(received[..head_end].to_vec()).expect("a text head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .map(|(_, value)| value.parse().unwrap())
        .unwrap_or(0);
    let mut body = received[head_end + 4..].to_vec();
    while body.len() < length {
        let read = stream.read(&mut buffer).await.expect("read the body");
        assert!(read > 0, "connection closed inside the body");
        body.extend_from_slice(&buffer[..read]);
    }
    RawAnswer {
        status,
        headers,
        body: serde_json::from_slice(&body[..length]).unwrap_or(Value::Null),
    }
}

/// Sends `request` on a fresh connection and reads the answer.
async fn exchange(url: &str, request: &[u8]) -> RawAnswer {
    let mut stream = connect(url).await;
    stream.write_all(request).await.expect("send");
    read_answer(&mut stream).await
}

/// Whether the server ends the connection within `within` (reading and
/// discarding anything it still sends).
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buffer = [0u8; 1024];
    let started = Instant::now();
    while started.elapsed() < within {
        match tokio::time::timeout(within - started.elapsed(), stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
    false
}

/// The `Authorization` header line of a caller with every scope.
fn authorization() -> String {
    format!(
        "Authorization: {}\r\n",
        bearer(&token(DEFAULT_TENANT, DEFAULT_SUBJECT, &ALL_SCOPES))
    )
}

fn headers_request(path: &str, headers: &[(String, String)]) -> Vec<u8> {
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: test\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.into_bytes()
}

fn many_headers(count: usize) -> Vec<(String, String)> {
    (0..count)
        .map(|i| (format!("X-Filler-{i}"), "x".to_owned()))
        .collect()
}

/// The requests the HTTP/1 dispatcher refuses by itself, before routing.
async fn assert_framework_refusals_are_json(url: &str) {
    exchange(
        url,
        b"POST /v1/tasks HTTP/1.1\r\nHost: test\r\nContent-Length: abc\r\n\r\n",
    )
    .await
    .assert_error(400, "malformed_request");
    exchange(
        url,
        b"POST /v1/tasks HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    )
    .await
    .assert_error(400, "malformed_request");
    exchange(url, b"NOT AN HTTP REQUEST\r\n\r\n")
        .await
        .assert_error(400, "malformed_request");

    // Past the framework's own limits: 96 headers, a 128 KiB head.
    let answer = exchange(url, &headers_request("/healthz", &many_headers(100))).await;
    answer.assert_error(431, "headers_too_large");
    assert_eq!(answer.body["error"]["details"]["max_headers"], 96);
    let mut oversized = b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Big: ".to_vec();
    // Exactly the framework's buffer, no end of head: all of it is read.
    oversized.resize(platform::http::FRAMEWORK_MAX_HEAD_BYTES, b'x');
    exchange(url, &oversized)
        .await
        .assert_error(431, "headers_too_large");
}

/// Unknown paths and wrong methods (of an authenticated caller).
async fn assert_routing_refusals_are_json(url: &str, path: &str, allow: &str) {
    let auth = authorization();
    let answer = exchange(
        url,
        format!("DELETE {path} HTTP/1.1\r\nHost: test\r\n{auth}\r\n").as_bytes(),
    )
    .await;
    answer.assert_error(405, "method_not_allowed");
    assert_eq!(answer.header("allow"), Some(allow), "{answer:?}");
    let answer = exchange(
        url,
        format!("GET /healthz/nothing-here HTTP/1.1\r\nHost: test\r\n{auth}\r\n").as_bytes(),
    )
    .await;
    answer.assert_error(404, "not_found");
    let answer = exchange(
        url,
        b"POST /healthz HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\n\r\n",
    )
    .await;
    answer.assert_error(405, "method_not_allowed");
    assert_eq!(answer.header("allow"), Some("GET"), "{answer:?}");
}

fn command_config(env: &TestEnv, http: HttpSettings) -> ::command_api::Config {
    ::command_api::Config {
        http,
        ..command_api::config(env)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_service_answers_framework_and_routing_errors_in_json() {
    let env = TestEnv::with_partitions(2);
    let database = TestDatabase::create().await;
    let commands = command_api::InProcess::start(&env).await;
    let projector = InProcess::projector(projector_config(&env, &database)).await;
    let query = InProcess::query_api(&env, &database).await;
    command_api::wait_ready(&projector.url).await;

    for url in [&commands.url, &query.url, &projector.url] {
        assert_framework_refusals_are_json(url).await;
    }
    assert_routing_refusals_are_json(&commands.url, "/v1/tasks", "POST").await;
    assert_routing_refusals_are_json(&query.url, "/v1/tasks", "GET").await;
    assert_routing_refusals_are_json(&projector.url, "/v1/projections", "GET").await;
    let answer = exchange(
        &commands.url,
        format!(
            "GET /v1/tasks/{}/rename HTTP/1.1\r\nHost: test\r\n{}\r\n",
            uuid::Uuid::now_v7(),
            authorization()
        )
        .as_bytes(),
    )
    .await;
    answer.assert_error(405, "method_not_allowed");
    assert_eq!(answer.header("allow"), Some("POST"));

    query.stop().await;
    projector.stop().await;
    commands.stop().await;
    database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_header_limit_answers_431_below_the_framework_limit() {
    let env = TestEnv::with_partitions(1);
    let commands = command_api::InProcess::start(&env).await;
    let url = &commands.url;

    // 70 headers: over our 64, under the framework's 96.
    let answer = exchange(url, &headers_request("/healthz", &many_headers(70))).await;
    answer.assert_error(431, "headers_too_large");
    assert_eq!(answer.body["error"]["details"]["max_headers"], 64);
    assert!(answer.header("x-request-id").is_some(), "{answer:?}");
    // 20 KiB in one header: over our 16 KiB, under the framework's 128 KiB.
    let big = vec![("X-Big".to_owned(), "x".repeat(20 * 1024))];
    let answer = exchange(url, &headers_request("/healthz", &big)).await;
    answer.assert_error(431, "headers_too_large");
    assert_eq!(
        answer.body["error"]["details"]["max_header_bytes"],
        16 * 1024
    );
    // At the limits, the request goes through.
    let answer = exchange(url, &headers_request("/healthz", &many_headers(60))).await;
    assert_eq!(answer.status, 200, "{answer:?}");

    commands.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_heads_slow_bodies_and_unread_bodies_cannot_hold_a_connection() {
    let env = TestEnv::with_partitions(1);
    // Short enough to keep the test quick, long enough that a loaded CI machine
    // still reads a complete head in time (500 ms was not).
    let http = HttpSettings {
        body_timeout: Duration::from_secs(2),
        head_timeout: Duration::from_secs(2),
        ..HttpSettings::without_rate_limits()
    };
    let commands = command_api::InProcess::start_with(command_config(&env, http)).await;
    let url = &commands.url;

    // A body that declares 100 bytes and sends 5.
    let mut stream = connect(url).await;
    let head = format!(
        "POST /v1/tasks HTTP/1.1\r\nHost: test\r\n{}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n",
        authorization()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(b"{\"ti").await.unwrap();
    let started = Instant::now();
    let answer = read_answer(&mut stream).await;
    answer.assert_error(408, "request_timeout");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(closed_within(&mut stream, Duration::from_secs(5)).await);

    // A head that never ends.
    let mut stream = connect(url).await;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n")
        .await
        .unwrap();
    let answer = read_answer(&mut stream).await;
    answer.assert_error(408, "request_timeout");
    assert!(closed_within(&mut stream, Duration::from_secs(5)).await);

    // A chunked body the handler never reads, whose last chunk never comes.
    let mut stream = connect(url).await;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
        .await
        .unwrap();
    let answer = read_answer(&mut stream).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(
        closed_within(&mut stream, Duration::from_secs(5)).await,
        "an unread chunked body held the connection"
    );

    commands.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_too_large_or_not_json_are_json_errors_and_read_bodies_keep_alive() {
    let env = TestEnv::with_partitions(1);
    let commands = command_api::InProcess::start(&env).await;
    let url = &commands.url;

    let auth = authorization();
    let big = format!("{{\"title\":\"{}\"}}", "x".repeat(70_000));
    let request = format!(
        "POST /v1/tasks HTTP/1.1\r\nHost: test\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{big}",
        big.len()
    );
    exchange(url, request.as_bytes())
        .await
        .assert_error(413, "payload_too_large");
    let request = format!(
        "POST /v1/tasks HTTP/1.1\r\nHost: test\r\n{auth}Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"
    );
    exchange(url, request.as_bytes())
        .await
        .assert_error(415, "unsupported_media_type");

    // A body that arrives (within the default timeout) keeps the connection
    // for the next request.
    let mut stream = connect(url).await;
    let body = br#"{"title":"in time"}"#;
    let request = format!(
        "POST /v1/tasks HTTP/1.1\r\nHost: test\r\n{}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        authorization(),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    assert_eq!(read_answer(&mut stream).await.status, 201);
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(read_answer(&mut stream).await.status, 200);

    commands.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_nosniff_and_a_cache_policy() {
    let env = TestEnv::with_partitions(2);
    let database = TestDatabase::create().await;
    let commands = command_api::InProcess::start(&env).await;
    let projector = InProcess::projector(projector_config(&env, &database)).await;
    let query = InProcess::query_api(&env, &database).await;
    let http = tests::auth::client();
    let policy = |response: &reqwest::Response| {
        let header = |name| {
            response
                .headers()
                .get(name)
                .map(|value: &reqwest::header::HeaderValue| value.to_str().unwrap().to_owned())
        };
        (header("x-content-type-options"), header("cache-control"))
    };
    let nosniff = Some("nosniff".to_owned());
    let no_store = (nosniff.clone(), Some("no-store".to_owned()));

    // A command's success (it carries an ETag, but it is no GET) and errors.
    let created = http
        .post(format!("{}/v1/tasks", commands.url))
        .json(&json!({ "title": "cached?" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert!(created.headers().contains_key("etag"));
    assert_eq!(policy(&created), no_store);
    let created: Value = created.json().await.unwrap();
    let task_id = created["task_id"].as_str().unwrap().to_owned();
    let position = created["position"].as_str().unwrap().to_owned();
    let refused = http
        .post(format!("{}/v1/tasks", commands.url))
        .json(&json!({ "title": "" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert_eq!(policy(&refused), no_store);
    for url in [&commands.url, &query.url, &projector.url] {
        let health = http.get(format!("{url}/healthz")).send().await.unwrap();
        assert_eq!(policy(&health), no_store, "{url}");
        let missing = http.get(format!("{url}/nowhere")).send().await.unwrap();
        assert_eq!(missing.status(), 404);
        assert_eq!(policy(&missing), no_store, "{url}");
        let unauthenticated = reqwest::Client::new()
            .get(format!("{url}/v1/tasks"))
            .send()
            .await
            .unwrap();
        assert_eq!(unauthenticated.status(), 401, "{url}");
        assert_eq!(policy(&unauthenticated), no_store, "{url}");
    }

    // A GET with an ETag may be kept, but only revalidated.
    let task = http
        .get(format!("{}/v1/tasks/{task_id}", query.url))
        .header("X-Consistency-Token", &position)
        .send()
        .await
        .unwrap();
    assert_eq!(task.status(), 200);
    assert_eq!(task.headers().get("etag").unwrap(), "\"1\"");
    assert_eq!(
        policy(&task),
        (nosniff.clone(), Some("private, no-cache".to_owned()))
    );
    let not_modified = http
        .get(format!("{}/v1/tasks/{task_id}", query.url))
        .header("If-None-Match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(not_modified.status(), 304);
    assert_eq!(policy(&not_modified).0, nosniff);
    let list = http
        .get(format!("{}/v1/tasks", query.url))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    assert_eq!(policy(&list), no_store);
    let unknown = http
        .get(format!("{}/v1/tasks/{}", query.url, uuid::Uuid::now_v7()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(policy(&unknown), no_store);

    query.stop().await;
    projector.stop().await;
    commands.stop().await;
    database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_answers_allowed_origins_and_refuses_the_others() {
    let env = TestEnv::with_partitions(1);
    let allowed = "https://app.example.com";
    let http_settings = HttpSettings {
        cors_allowed_origins: vec![allowed.to_owned()],
        ..HttpSettings::without_rate_limits()
    };
    let commands = command_api::InProcess::start_with(command_config(&env, http_settings)).await;
    let plain = command_api::InProcess::start(&TestEnv::with_partitions(1)).await;
    let http = tests::auth::client();
    let preflight = |url: &str, origin: &str| {
        http.request(reqwest::Method::OPTIONS, format!("{url}/v1/tasks"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "content-type,idempotency-key,authorization,x-tenant-id",
            )
            .send()
    };
    let header = |response: &reqwest::Response, name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().unwrap().to_ascii_lowercase())
    };

    let answer = preflight(&commands.url, allowed).await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(
        header(&answer, "access-control-allow-origin").as_deref(),
        Some(allowed)
    );
    let methods = header(&answer, "access-control-allow-methods").unwrap();
    assert!(
        methods.contains("post") && methods.contains("get"),
        "{methods}"
    );
    let headers = header(&answer, "access-control-allow-headers").unwrap();
    for name in [
        "content-type",
        "idempotency-key",
        "authorization",
        "x-tenant-id",
        "if-match",
    ] {
        assert!(headers.contains(name), "{name} in {headers}");
    }
    assert!(header(&answer, "access-control-max-age").is_some());

    // The real request then exposes the headers a client needs.
    let created = http
        .post(format!("{}/v1/tasks", commands.url))
        .header("Origin", allowed)
        .json(&json!({ "title": "from a browser" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(
        header(&created, "access-control-allow-origin").as_deref(),
        Some(allowed)
    );
    let exposed = header(&created, "access-control-expose-headers").unwrap();
    for name in [
        "etag",
        "x-consistency",
        "x-projection-version",
        "x-request-id",
    ] {
        assert!(exposed.contains(name), "{name} in {exposed}");
    }
    // Errors too, so a page can read them.
    let refused = http
        .post(format!("{}/v1/tasks", commands.url))
        .header("Origin", allowed)
        .json(&json!({ "title": "" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert_eq!(
        header(&refused, "access-control-allow-origin").as_deref(),
        Some(allowed)
    );

    // Another origin: its preflight is refused, its requests carry no CORS headers.
    let answer = preflight(&commands.url, "https://evil.example.net")
        .await
        .unwrap();
    assert_eq!(answer.status(), 403);
    assert!(header(&answer, "access-control-allow-origin").is_none());
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["error"]["code"], "cors_refused", "{body}");
    let answer = http
        .post(format!("{}/v1/tasks", commands.url))
        .header("Origin", "https://evil.example.net")
        .json(&json!({ "title": "from elsewhere" }))
        .send()
        .await
        .unwrap();
    assert!(header(&answer, "access-control-allow-origin").is_none());

    // Without CORS_ALLOWED_ORIGINS there is no CORS at all.
    let answer = preflight(&plain.url, allowed).await.unwrap();
    assert!(header(&answer, "access-control-allow-origin").is_none());
    assert_eq!(answer.status(), 405);
    assert_eq!(header(&answer, "allow").as_deref(), Some("post"));

    plain.stop().await;
    commands.stop().await;
}

/// The tenant is the token's: `Client::post` signs one for `X-Tenant-Id`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_over_its_limit_gets_429_while_another_is_not_limited() {
    let env = TestEnv::with_partitions(1);
    let http_settings = HttpSettings {
        rate_limit: RateLimitSettings {
            per_second: 1,
            burst: 3,
        },
        ..HttpSettings::without_rate_limits()
    };
    let commands = command_api::InProcess::start_with(command_config(&env, http_settings)).await;
    let client = Client::new(&commands.url);
    let as_tenant = |tenant: &'static str| [("X-Tenant-Id", tenant)];

    // Sent at once, so that the bucket (3, refilled once a second) cannot
    // refill in between: at most 3 pass, plus one per second the sends took.
    let started = Instant::now();
    let noisy = as_tenant("noisy");
    let replies = futures::future::join_all(
        (0..10).map(|_| client.post("/v1/tasks", Some(json!({ "title": "t" })), &noisy)),
    )
    .await;
    let passed = replies.iter().filter(|reply| reply.status == 201).count() as u64;
    assert!(
        passed >= 3 && passed <= 3 + started.elapsed().as_secs() + 1,
        "{passed} passed: {replies:?}"
    );
    let limited = replies
        .iter()
        .find(|reply| reply.status == 429)
        .unwrap_or_else(|| panic!("none limited: {replies:?}"));
    assert_eq!(limited.error_code(), "rate_limited");
    assert!(limited.body["error"]["details"].is_object());
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);

    let other = client
        .post(
            "/v1/tasks",
            Some(json!({ "title": "t" })),
            &as_tenant("quiet"),
        )
        .await;
    assert_eq!(other.status, 201, "{other:?}");
    // Open endpoints carry no Principal and are never limited.
    for _ in 0..10 {
        let health = client
            .raw(client.http().get(format!("{}/healthz", commands.url)))
            .await;
        assert_eq!(health.status, 200);
    }

    commands.stop().await;
}
