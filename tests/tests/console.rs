//! The web console in a real browser (Debian's chromium, driven by
//! Playwright: console/e2e/) against the real platform: Kafka, PostgreSQL,
//! the command API, the projector and the query API in-process on free
//! ports, allowing the console's origin by CORS, and console-server serving
//! the build in console/dist (`scripts/console.sh build`; `scripts/test.sh`
//! builds it and installs chromium and the npm packages first).
//!
//! The browser creates, moves, renames and archives tasks, meets a 412 from
//! a second tab, runs a rebuild until the new version is live, and retries
//! and skips an event this test parks. Screenshots at 1280 and 390 px go to
//! console/test-results/screenshots/.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;
use tests::TestEnv;
use tests::auth::token;
use tests::command_api::{self, InProcess as CommandApi};
use tests::read_side::database::TestDatabase;
use tests::read_side::eventually;
use tests::read_side::producer::EventProducer;
use tests::read_side::services::{InProcess, PROJECTION, projector_config, query_api_config};
use tests::read_side::story::{Rng, TaskStory};
use tokio::sync::oneshot;

const TENANT: &str = "console";
const CHROMIUM: &str = "/usr/bin/chromium";

fn console_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../console")
}

/// A port nobody listens on: the console's origin must be known before the
/// services start, since their CORS lists it.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// console-server on `addr` until the sender is dropped or fired.
async fn start_console(addr: SocketAddr, api: console_server::ApiUrls) -> oneshot::Sender<()> {
    let application = console_server::Application::build(console_server::Config {
        addr,
        dist: console_dir().join("dist"),
        api,
        workers: 1,
    })
    .await
    .expect("console-server starts (is console/dist built? scripts/console.sh build)");
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = application
            .run_until_stopped(async {
                let _ = stopped.await;
            })
            .await;
    });
    command_api::wait_ready(&format!("http://{addr}")).await;
    stop
}

/// A task written by a newer release, at a schema version this build cannot
/// read: the projection parks it (see projector_parked.rs).
async fn park_an_event(env: &TestEnv, database: &TestDatabase) {
    let producer = EventProducer::new(env).await;
    let mut story = TaskStory::new(TENANT);
    let mut created = story.create("ignored", &mut Rng::new(7));
    created.schema_version = 9;
    created.data = json!({ "name": "From the future", "description": null, "priority": "high",
                           "due_date": null, "assignee": null, "tags": [] });
    producer.send(&created).await;
    let pool = database.pool().await;
    eventually(Duration::from_secs(60), "the event is parked", || {
        let pool = pool.clone();
        async move {
            read_model::parked::list(&pool, Some(PROJECTION), false)
                .await
                .is_ok_and(|parked| !parked.is_empty())
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_console_works_in_a_real_browser_against_the_real_platform() {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: scripts/console.sh deps installs it"
    );
    assert!(
        console_dir().join("node_modules/.bin/playwright").exists(),
        "console/node_modules is missing: scripts/console.sh deps installs it"
    );
    let env = TestEnv::with_partitions(3);
    let database = TestDatabase::create().await;
    let console_addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let origin = format!("http://{console_addr}");
    let cors = |mut http: platform::config::HttpSettings| {
        http.cors_allowed_origins = vec![origin.clone()];
        http
    };

    let mut commands_config = command_api::config(&env);
    commands_config.http = cors(commands_config.http);
    let commands = CommandApi::start_with(commands_config).await;
    let mut projector_settings = projector_config(&env, &database);
    projector_settings.http = cors(projector_settings.http);
    projector_settings.process_managers =
        projector::process::ProcessManagerSettings::for_command_api(&commands.url);
    let projector = InProcess::projector(projector_settings).await;
    let mut query_settings = query_api_config(&env, &database);
    query_settings.http = cors(query_settings.http);
    let query = InProcess::query_api_with(query_settings).await;
    park_an_event(&env, &database).await;

    let stop_console = start_console(
        console_addr,
        console_server::ApiUrls {
            command_api: commands.url.clone(),
            query_api: query.url.clone(),
            projector: projector.url.clone(),
        },
    )
    .await;

    let scopes = ["commands:write", "queries:read", "ops:admin"];
    let mut playwright =
        tokio::process::Command::new(console_dir().join("node_modules/.bin/playwright"));
    playwright.arg("test");
    // CONSOLE_E2E_GREP=conflict runs only the browser tests whose title matches.
    if let Ok(pattern) = std::env::var("CONSOLE_E2E_GREP") {
        playwright.args(["--grep", &pattern]);
    }
    let output = playwright
        .current_dir(console_dir())
        .env("CONSOLE_URL", &origin)
        .env("CONSOLE_TOKEN", token(TENANT, "ada", &scopes))
        .env("CONSOLE_READER_TOKEN", token(TENANT, "bob", &scopes[..2]))
        .env("CHROMIUM", CHROMIUM)
        .env("FORCE_COLOR", "0")
        .kill_on_drop(true)
        .output()
        .await
        .expect("running playwright");
    println!("{}", String::from_utf8_lossy(&output.stdout));
    eprintln!("{}", String::from_utf8_lossy(&output.stderr));

    let _ = stop_console.send(());
    query.stop().await;
    projector.stop().await;
    commands.stop().await;
    assert!(
        output.status.success(),
        "the browser tests failed ({}); traces and screenshots are in console/test-results/",
        output.status
    );
}
