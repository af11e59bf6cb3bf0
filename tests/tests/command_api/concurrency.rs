use std::collections::BTreeSet;

use futures::future::join_all;
use serde_json::json;
use tests::TestEnv;
use tests::command_api::{Client, InProcess};
use tests::kafka::{read_all, stream_events};

/// 32 commands racing with the same If-Match: one wins, 31 get 412 with the
/// current version, and the stream's versions stay contiguous.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_if_match_has_exactly_one_winner() {
    let env = TestEnv::new();
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    let task = client.create_task("contended").await;

    let attempts = (0..32).map(|i| {
        let client = client.clone();
        async move {
            client
                .command(
                    task,
                    "rename",
                    Some(json!({ "title": format!("title {i}") })),
                    &[("If-Match", "\"1\"")],
                )
                .await
        }
    });
    let replies = join_all(attempts).await;
    let winners: Vec<_> = replies.iter().filter(|r| r.status == 200).collect();
    let stale: Vec<_> = replies.iter().filter(|r| r.status == 412).collect();
    assert_eq!(winners.len(), 1, "{replies:?}");
    assert_eq!(stale.len(), 31, "{replies:?}");
    for reply in stale {
        assert_eq!(reply.error_code(), "version_mismatch");
        assert_eq!(reply.body["error"]["details"]["current_version"], 2);
    }

    let events = stream_events(&read_all(&env.brokers, &env.tasks_topic()), task);
    let versions: Vec<u64> = events.iter().map(|e| e.version).collect();
    assert_eq!(versions, vec![1, 2]);
    api.stop().await;
}

/// Without If-Match, concurrent commands on one stream are serialized: every
/// one is appended and the versions are 1..=n with no gap or duplicate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unconditional_commands_are_serialized() {
    let env = TestEnv::new();
    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    let task = client.create_task("busy").await;

    let replies = join_all((0..40).map(|i| {
        let client = client.clone();
        async move {
            client
                .command(
                    task,
                    "add-tag",
                    Some(json!({ "tag": format!("t{}", i % 20) })),
                    &[],
                )
                .await
        }
    }))
    .await;
    assert!(replies.iter().all(|r| r.status == 200), "{replies:?}");
    let acknowledged: BTreeSet<u64> = replies.iter().map(|r| r.version()).collect();

    let events = stream_events(&read_all(&env.brokers, &env.tasks_topic()), task);
    let versions: Vec<u64> = events.iter().map(|e| e.version).collect();
    assert_eq!(
        versions,
        (1..=21).collect::<Vec<_>>(),
        "20 distinct tags after the create"
    );
    assert!(acknowledged.iter().all(|v| (2..=21).contains(v)));
    api.stop().await;
}
