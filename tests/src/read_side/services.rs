//! The projector and the query API for a test: in-process on port 0, or the
//! projector as a child process when the test kills it.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::oneshot;

use super::database::TestDatabase;
use crate::TestEnv;
use crate::command_api::wait_ready;

pub const PROJECTION: &str = "tasks.v1";

pub fn group_prefix(env: &TestEnv) -> String {
    format!("{}projector.", env.topic_prefix)
}

pub fn projector_config(env: &TestEnv, database: &TestDatabase) -> projector::Config {
    projector::Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: database.url.clone(),
        kafka: platform::config::KafkaSettings {
            brokers: env.brokers.clone(),
            topic_prefix: env.topic_prefix.clone(),
            partitions: env.partitions,
        },
        group_prefix: group_prefix(env),
        projections: None,
        process_managers: projector::process::ProcessManagerSettings::for_command_api(
            "http://127.0.0.1:8081",
        ),
        batch: projector::config::BatchSettings::default(),
        session_timeout: Duration::from_millis(3000),
        db_max_connections: 4,
        replication: 1,
        switch_max_lag: 1000,
        auth: crate::auth::settings(),
        http: platform::config::HttpSettings::without_rate_limits(),
    }
}

pub fn query_api_config(env: &TestEnv, database: &TestDatabase) -> query_api::Config {
    query_api::Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: database.url.clone(),
        topics: query_api::topics::EventTopics::with_prefix(&env.topic_prefix),
        brokers: env.brokers.clone(),
        db_max_connections: 8,
        workers: 2,
        consistency: query_api::config::ConsistencySettings::default(),
        auth: crate::auth::settings(),
        http: platform::config::HttpSettings::without_rate_limits(),
    }
}

/// A service running inside the test process until stopped.
pub struct InProcess {
    pub url: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl InProcess {
    pub async fn projector(config: projector::Config) -> Self {
        platform::telemetry::init_logging();
        let application = projector::Application::build(config)
            .await
            .expect("projector starts");
        let url = format!("http://127.0.0.1:{}", application.port());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = application
                .run_until_stopped(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Self {
            url,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub async fn query_api(env: &TestEnv, database: &TestDatabase) -> Self {
        Self::query_api_with(query_api_config(env, database)).await
    }

    pub async fn query_api_with(config: query_api::Config) -> Self {
        let application = query_api::Application::build(config)
            .await
            .expect("query API starts");
        Self::run_query_api(application).await
    }

    /// Serves a query API built by the caller, once it is ready.
    pub async fn run_query_api(application: query_api::Application) -> Self {
        platform::telemetry::init_logging();
        let url = format!("http://127.0.0.1:{}", application.port());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = application
                .run_until_stopped(async {
                    let _ = stopped.await;
                })
                .await;
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
            let _ = task.await;
        }
    }
}

/// The projector in its own process: the tests crate's `test-projector`
/// binary (`env!("CARGO_BIN_EXE_test-projector")` in an integration test).
pub struct ProjectorProcess {
    pub url: String,
    pub log: std::path::PathBuf,
    child: Child,
}

impl ProjectorProcess {
    pub fn spawn(
        env: &TestEnv,
        database: &TestDatabase,
        executable: &str,
        extra: &[(&str, &str)],
    ) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::env::temp_dir().join(format!("projector-{port}.log"));
        let log_file = std::fs::File::create(&log).expect("log file");
        let mut command = Command::new(executable);
        command
            .env("PROJECTOR_ADDR", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", &database.url)
            .env("KAFKA_BROKERS", &env.brokers)
            .env("EVENTS_TOPIC_PREFIX", &env.topic_prefix)
            .env("EVENTS_TOPIC_PARTITIONS", env.partitions.to_string())
            .env("PROJECTOR_GROUP_PREFIX", group_prefix(env))
            .env("KAFKA_SESSION_TIMEOUT_MS", "3000")
            .env("AUTH_MODE", "jwt")
            .env("AUTH_HS256_SECRET", crate::auth::TEST_SECRET)
            .stdout(Stdio::from(log_file.try_clone().expect("log file")))
            .stderr(log_file);
        for (name, value) in extra {
            command.env(name, value);
        }
        let child = command.spawn().expect("starting the test-projector binary");
        Self {
            url: format!("http://127.0.0.1:{port}"),
            log,
            child,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no batch finishes, no group is left.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits for the process to end on its own.
    pub async fn terminate(&mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the projector did not stop after SIGTERM"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for ProjectorProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `GET {url}/v1/projections`: the partitions this projector holds of
/// `tasks.v1`.
pub async fn assigned_partitions(url: &str) -> Vec<i32> {
    let Ok(response) = crate::auth::client()
        .get(format!("{url}/v1/projections"))
        .send()
        .await
    else {
        return Vec::new();
    };
    let Ok(body) = response.json::<Value>().await else {
        return Vec::new();
    };
    let projections = body["projections"].as_array().cloned().unwrap_or_default();
    let Some(projection) = projections.iter().find(|p| p["projection"] == PROJECTION) else {
        return Vec::new();
    };
    projection["local"]["partitions"]
        .as_array()
        .map(|partitions| {
            partitions
                .iter()
                .filter_map(|p| p["partition"].as_i64())
                .map(|p| p as i32)
                .collect()
        })
        .unwrap_or_default()
}
