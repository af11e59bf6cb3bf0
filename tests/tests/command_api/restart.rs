use serde_json::json;
use tests::TestEnv;
use tests::command_api::{Client, InProcess};
use tests::kafka::{read_all, stream_events};

/// After a restart the state is restored from the log: versions continue,
/// domain rules still see the old state, and If-Match checks the restored version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_continue_after_restart() {
    let env = TestEnv::new();
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    let tasks: Vec<uuid::Uuid> = futures::future::join_all((0..12).map(|i| {
        let client = client.clone();
        async move { client.create_task(&format!("task {i}")).await }
    }))
    .await;
    for task in &tasks {
        assert_eq!(
            client.command(*task, "complete", None, &[]).await.status,
            200
        );
    }
    api.stop().await;

    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    for task in &tasks {
        let again = client.command(*task, "complete", None, &[]).await;
        assert_eq!(
            (again.status, again.error_code()),
            (409, "task_already_completed")
        );
        let stale = client
            .command(*task, "reopen", None, &[("If-Match", "\"1\"")])
            .await;
        assert_eq!(stale.status, 412);
        let reopened = client
            .command(*task, "reopen", None, &[("If-Match", "\"2\"")])
            .await;
        assert_eq!(
            (reopened.status, reopened.version()),
            (200, 3),
            "{reopened:?}"
        );
        let renamed = client
            .command(*task, "rename", Some(json!({ "title": "again" })), &[])
            .await;
        assert_eq!(renamed.version(), 4);
    }

    let records = read_all(&env.brokers, &env.tasks_topic());
    for task in &tasks {
        let versions: Vec<u64> = stream_events(&records, *task)
            .iter()
            .map(|e| e.version)
            .collect();
        assert_eq!(versions, vec![1, 2, 3, 4]);
    }
    api.stop().await;
}
