//! console-server over real HTTP on a free port, serving a small build made here.

use std::path::PathBuf;

use console_server::{ApiUrls, Application, Config};
use tokio::sync::oneshot;

fn build_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("console-dist-{}", uuid_like()));
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><script type=module src=/assets/app-1a2b.js></script>",
    )
    .unwrap();
    std::fs::write(dir.join("assets/app-1a2b.js"), "export {};").unwrap();
    dir
}

fn uuid_like() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

async fn start() -> (String, oneshot::Sender<()>) {
    let application = Application::build(Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        dist: build_dir(),
        api: ApiUrls {
            command_api: "http://127.0.0.1:8081".into(),
            query_api: "http://127.0.0.1:8082".into(),
            projector: "http://127.0.0.1:8083".into(),
        },
        workers: 1,
    })
    .await
    .expect("console-server starts");
    let url = format!("http://127.0.0.1:{}", application.port());
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(application.run_until_stopped(async {
        let _ = stopped.await;
    }));
    (url, stop)
}

#[tokio::test]
async fn serves_the_build_the_spa_paths_and_the_api_origins_with_strict_headers() {
    let (url, _stop) = start().await;
    let client = reqwest::Client::new();

    let page = client
        .get(format!("{url}/operations"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(
        csp.contains(
            "connect-src 'self' http://127.0.0.1:8081 http://127.0.0.1:8082 http://127.0.0.1:8083"
        ),
        "{csp}"
    );
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert_eq!(page.headers()["cache-control"], "no-cache");
    assert!(page.text().await.unwrap().contains("/assets/app-1a2b.js"));

    let script = client
        .get(format!("{url}/assets/app-1a2b.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), 200);
    assert_eq!(
        script.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(
        script.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );

    // A stale asset URL is a 404, never the page served as a script.
    let missing = client
        .get(format!("{url}/assets/app-old.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    let config: serde_json::Value = client
        .get(format!("{url}/config.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        config,
        serde_json::json!({
            "command_api_url": "http://127.0.0.1:8081",
            "query_api_url": "http://127.0.0.1:8082",
            "projector_url": "http://127.0.0.1:8083",
        })
    );

    let health = client.get(format!("{url}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let post = client.post(format!("{url}/")).send().await.unwrap();
    assert_eq!(post.status(), 405);
}

#[tokio::test]
async fn refuses_to_start_without_a_build() {
    let empty = std::env::temp_dir().join(format!("console-empty-{}", uuid_like()));
    std::fs::create_dir_all(&empty).unwrap();
    let result = Application::build(Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        dist: empty,
        api: ApiUrls {
            command_api: "http://127.0.0.1:8081".into(),
            query_api: "http://127.0.0.1:8082".into(),
            projector: "http://127.0.0.1:8083".into(),
        },
        workers: 1,
    })
    .await;
    let error = result.err().expect("no index.html, no start").to_string();
    assert!(error.contains("scripts/console.sh build"), "{error}");
}
