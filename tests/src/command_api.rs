//! Starting the command API for a test: in-process on port 0, or as a child
//! process when the test needs to SIGKILL it.

use std::process::{Child, Command};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::TestEnv;

pub fn config(env: &TestEnv) -> command_api::Config {
    command_api::Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        advertised_url: None,
        kafka: platform::config::KafkaSettings {
            brokers: env.brokers.clone(),
            topic_prefix: env.topic_prefix.clone(),
            partitions: env.partitions,
        },
        group_id: env.command_api_group(),
        session_timeout: Duration::from_millis(3000),
        transaction_timeout: Duration::from_millis(10_000),
        batch_max: 512,
        command_timeout: Duration::from_millis(20_000),
        max_body_bytes: 65_536,
        replication: 1,
        key_retention: Some(command_api::Config::DEFAULT_KEY_RETENTION),
        state_dir: env.state_dir(),
        state_cache_streams: command_api::Config::DEFAULT_STATE_CACHE_STREAMS,
        standby_replicas: 0,
        schema_registry_url: None,
        auth: crate::auth::settings(),
        http: platform::config::HttpSettings::without_rate_limits(),
    }
}

/// A command API running inside the test process.
pub struct InProcess {
    pub url: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl InProcess {
    pub async fn start(env: &TestEnv) -> Self {
        Self::start_with(config(env)).await
    }

    pub async fn start_with(config: command_api::Config) -> Self {
        let application = command_api::Application::build(config)
            .await
            .expect("command API starts");
        Self::run(application).await
    }

    /// Runs an application built by the test (e.g. with other mounts) until [`InProcess::stop`].
    pub async fn run(application: command_api::Application) -> Self {
        let url = application.url().to_owned();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            application
                .run_until_stopped(async {
                    let _ = stopped.await;
                })
                .await
                .expect("command API runs");
        });
        wait_ready(&url).await;
        Self {
            url,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Graceful stop, as on SIGTERM.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("command API stops cleanly");
        }
    }
}

/// A command API in its own process: the tests crate's `test-command-api`
/// binary, whose path only integration tests know
/// (`env!("CARGO_BIN_EXE_test-command-api")`).
pub struct ChildProcess {
    pub url: String,
    child: Child,
}

impl ChildProcess {
    pub async fn start(env: &TestEnv, executable: &str) -> Self {
        Self::start_with_env(env, executable, &[]).await
    }

    /// Like [`ChildProcess::start`], with more (or overriding) variables.
    pub async fn start_with_env(env: &TestEnv, executable: &str, extra: &[(&str, &str)]) -> Self {
        Self::spawn(env, executable, &env.state_dir(), extra).await
    }

    /// With a given `COMMAND_STATE_DIR`, e.g. the one of an instance this one restarts.
    pub async fn start_with_state_dir(
        env: &TestEnv,
        executable: &str,
        state_dir: &std::path::Path,
    ) -> Self {
        Self::spawn(env, executable, state_dir, &[]).await
    }

    async fn spawn(
        env: &TestEnv,
        executable: &str,
        state_dir: &std::path::Path,
        extra: &[(&str, &str)],
    ) -> Self {
        let port = free_port();
        let url = format!("http://127.0.0.1:{port}");
        let log =
            std::fs::File::create(std::env::temp_dir().join(format!("command-api-{port}.log")))
                .expect("log file");
        let mut command = Command::new(executable);
        command
            .env("COMMAND_API_ADDR", format!("127.0.0.1:{port}"))
            .env("KAFKA_BROKERS", &env.brokers)
            .env("EVENTS_TOPIC_PREFIX", &env.topic_prefix)
            .env("EVENTS_TOPIC_PARTITIONS", env.partitions.to_string())
            .env("COMMAND_API_GROUP", env.command_api_group())
            .env("KAFKA_SESSION_TIMEOUT_MS", "3000")
            .env("COMMAND_TIMEOUT_MS", "20000")
            .env("COMMAND_STATE_DIR", state_dir)
            .env("AUTH_MODE", "jwt")
            .env("AUTH_HS256_SECRET", crate::auth::TEST_SECRET)
            // Tests send far more than a tenant would.
            .env("RATE_LIMIT_COMMANDS_PER_SECOND", "0")
            // scripts/test.sh exports the local registry's URL for the
            // schema registry tests; the other tests keep plain JSON values.
            .env_remove("SCHEMA_REGISTRY_URL")
            .stdout(log.try_clone().expect("log file"))
            .stderr(log);
        for (name, value) in extra {
            command.env(name, value);
        }
        let child = command.spawn().expect("starting the command-api binary");
        Self { url, child }
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill(); // SIGKILL
        let _ = self.child.wait();
    }

    /// Sends SIGTERM and waits (bounded) for the process to exit on its own.
    pub fn terminate(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().ok()?;
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for ChildProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until `/readyz` answers 200.
pub async fn wait_ready(url: &str) {
    wait_ready_within(url, Duration::from_secs(60)).await
}

/// Waits until `/readyz` answers 200, for at most `timeout`.
pub async fn wait_ready_within(url: &str, timeout: Duration) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(response) = client.get(format!("{url}/readyz")).send().await
            && response.status().is_success()
        {
            return;
        }
        assert!(Instant::now() < deadline, "{url} did not become ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A small client for the command API's HTTP contract.
#[derive(Clone)]
pub struct Client {
    pub url: String,
    http: reqwest::Client,
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn version(&self) -> u64 {
        self.body["version"].as_u64().expect("version in body")
    }

    pub fn error_code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

impl Client {
    pub fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            http: crate::auth::client(),
        }
    }

    pub async fn create(&self, body: Value) -> Reply {
        self.post("/v1/tasks", Some(body), &[]).await
    }

    /// Creates a task and returns its id.
    pub async fn create_task(&self, title: &str) -> uuid::Uuid {
        let reply = self.create(json!({ "title": title })).await;
        assert_eq!(reply.status, 201, "{reply:?}");
        reply.body["task_id"].as_str().unwrap().parse().unwrap()
    }

    pub async fn command(
        &self,
        task: uuid::Uuid,
        name: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        self.post(&format!("/v1/tasks/{task}/{name}"), body, headers)
            .await
    }

    pub async fn post(&self, path: &str, body: Option<Value>, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.http.post(format!("{}{path}", self.url));
        if let Some(authorization) = crate::auth::authorization_for(headers) {
            request = request.header("authorization", authorization);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        match request.send().await {
            Ok(response) => Self::reply(response).await,
            // A refused or cut connection (a killed instance) is no answer at all.
            Err(error) => Reply {
                status: 0,
                headers: Default::default(),
                body: json!({ "transport_error": error.to_string() }),
            },
        }
    }

    pub async fn raw(&self, request: reqwest::RequestBuilder) -> Reply {
        Self::reply(request.send().await.expect("request sent")).await
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    async fn reply(response: reqwest::Response) -> Reply {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap_or_default();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
        }
    }
}

/// The value of a counter of an instance's metrics for this test's topic (the
/// in-process instances of all tests share one recorder, hence the label).
pub async fn topic_counter(url: &str, name: &str, env: &TestEnv) -> u64 {
    let text = reqwest::get(format!("{url}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let label = format!("topic=\"{}\"", env.tasks_topic());
    text.lines()
        .filter(|line| line.starts_with(name) && line.contains(&label))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}
