//! Warm standbys (`COMMAND_STANDBY_REPLICAS`): an instance follows the state
//! topic of the partitions its neighbour owns into its own store, so a
//! takeover reads only the snapshots its copy had not yet seen, and decides
//! exactly as if it had read them all.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tests::TestEnv;
use tests::command_api::{Client, InProcess, topic_counter};
use tests::kafka::{read_all, stream_events};
use uuid::Uuid;

fn config(env: &TestEnv, state_dir: &Path, replicas: usize) -> command_api::Config {
    command_api::Config {
        state_dir: state_dir.to_owned(),
        standby_replicas: replicas,
        ..tests::command_api::config(env)
    }
}

/// `checks.ownership.<topic>` of the instance's `/readyz`.
async fn ownership(url: &str, env: &TestEnv) -> Value {
    let body: Value = reqwest::get(format!("{url}/readyz"))
        .await
        .expect("readyz")
        .json()
        .await
        .expect("readyz JSON");
    body["checks"]["ownership"][env.tasks_topic()].clone()
}

fn partitions(status: &Value, field: &str) -> Vec<i64> {
    status[field]
        .as_array()
        .map(|list| list.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}

/// Waits until the two instances own every partition between them, none
/// restoring. (The group balances the partitions of all topics together, so
/// one instance may own every partition of the tasks topic.)
async fn wait_settled(env: &TestEnv, urls: [&str; 2]) -> [Vec<i64>; 2] {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (a, b) = (ownership(urls[0], env).await, ownership(urls[1], env).await);
        let owned = [partitions(&a, "owned"), partitions(&b, "owned")];
        let restoring = partitions(&a, "restoring").len() + partitions(&b, "restoring").len();
        if owned[0].len() + owned[1].len() == env.partitions as usize && restoring == 0 {
            return owned;
        }
        assert!(Instant::now() < deadline, "no settled assignment: {a} {b}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Two instances with standbys, each with its own state directory, settled.
struct Pair {
    /// An instance that owns tasks partitions, which are `owned`.
    owner: InProcess,
    owned: Vec<i64>,
    /// The other, and its state directory.
    follower: InProcess,
    follower_dir: PathBuf,
}

async fn start_pair(env: &TestEnv) -> Pair {
    let dirs = [env.state_dir(), env.state_dir()];
    let a = InProcess::start_with(config(env, &dirs[0], 1)).await;
    let b = InProcess::start_with(config(env, &dirs[1], 1)).await;
    let [owned_by_a, owned_by_b] = wait_settled(env, [&a.url, &b.url]).await;
    let [dir_a, dir_b] = dirs;
    if owned_by_a.is_empty() {
        Pair {
            owner: b,
            owned: owned_by_b,
            follower: a,
            follower_dir: dir_a,
        }
    } else {
        Pair {
            owner: a,
            owned: owned_by_a,
            follower: b,
            follower_dir: dir_b,
        }
    }
}

/// Snapshots in the state topic's `partitions`.
fn snapshots_in(env: &TestEnv, partitions: &[i64]) -> u64 {
    let topic = platform::kafka::state_topic_of(&env.tasks_topic());
    read_all(&env.brokers, &topic)
        .iter()
        .filter(|record| partitions.contains(&i64::from(record.partition)))
        .count() as u64
}

async fn wait_counter_at_least(url: &str, name: &str, env: &TestEnv, wanted: u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while topic_counter(url, name, env).await < wanted {
        assert!(Instant::now() < deadline, "{name} stayed below {wanted}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn create_and_rename(client: &Client, count: usize) -> Vec<Uuid> {
    let mut tasks = Vec::new();
    for i in 0..count {
        let task = client.create_task(&format!("standby task {i}")).await;
        let renamed = client
            .command(
                task,
                "rename",
                Some(json!({ "title": format!("renamed {i}") })),
                &[],
            )
            .await;
        assert_eq!(renamed.status, 200, "{renamed:?}");
        tasks.push(task);
    }
    tasks
}

/// Every task completes at the version after the log's last: the survivor's
/// state is the fold of the whole log, whatever part its copy held.
async fn assert_decides_on_the_whole_log(client: &Client, env: &TestEnv, tasks: &[Uuid]) {
    let events = read_all(&env.brokers, &env.tasks_topic());
    for task in tasks {
        let version = stream_events(&events, *task).len() as u64;
        let stale = format!("\"{}\"", version - 1);
        let stale = client
            .command(*task, "complete", None, &[("If-Match", &stale)])
            .await;
        assert_eq!(stale.status, 412, "{task}: {stale:?}");
        let current = format!("\"{version}\"");
        let completed = client
            .command(*task, "complete", None, &[("If-Match", &current)])
            .await;
        assert_eq!(
            (completed.status, completed.version()),
            (200, version + 1),
            "{task}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_takeover_from_a_current_standby_reads_no_snapshot() {
    let env = TestEnv::new();
    let Pair {
        owner: a,
        owned: owned_by_a,
        follower: b,
        ..
    } = start_pair(&env).await;
    let tasks = create_and_rename(&Client::new(&a.url), 24).await;

    // B's copy of A's partitions holds every snapshot A wrote there.
    let copied = snapshots_in(&env, &owned_by_a);
    assert!(copied > 0, "A's partitions hold snapshots");
    wait_counter_at_least(&b.url, "command_api_standby_snapshots_total", &env, copied).await;
    assert_eq!(
        partitions(&ownership(&b.url, &env).await, "standby"),
        owned_by_a
    );

    let restored = topic_counter(&b.url, "command_api_restore_snapshots_total", &env).await;
    let replayed = topic_counter(&b.url, "command_api_restore_events_total", &env).await;
    a.stop().await;
    let client = Client::new(&b.url);
    assert_decides_on_the_whole_log(&client, &env, &tasks).await;
    assert_eq!(
        (
            topic_counter(&b.url, "command_api_restore_snapshots_total", &env).await - restored,
            topic_counter(&b.url, "command_api_restore_events_total", &env).await - replayed,
        ),
        (0, 0),
        "the takeover started from the standby copy's checkpoint"
    );
    b.stop().await;
}

/// The copy is left behind on purpose: B stops following, A goes on
/// writing, then B takes over from its stale copy and must read the rest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_takeover_from_a_stale_standby_reads_what_the_copy_missed() {
    let env = TestEnv::new();
    let Pair {
        owner: a,
        owned: owned_by_a,
        follower: b,
        follower_dir: dir_b,
    } = start_pair(&env).await;
    let client = Client::new(&a.url);
    let tasks = create_and_rename(&client, 24).await;
    let copied = snapshots_in(&env, &owned_by_a);
    wait_counter_at_least(&b.url, "command_api_standby_snapshots_total", &env, copied).await;
    b.stop().await;

    // A owns everything now and changes every task behind B's copy.
    for task in &tasks {
        let renamed = client
            .command(
                *task,
                "rename",
                Some(json!({ "title": "after the copy" })),
                &[],
            )
            .await;
        assert_eq!(renamed.status, 200, "{renamed:?}");
    }
    // B comes back without standbys, so its copy stays stale; then A leaves.
    let b = InProcess::start_with(config(&env, &dir_b, 0)).await;
    wait_settled(&env, [&a.url, &b.url]).await;
    a.stop().await;
    let client = Client::new(&b.url);
    assert_decides_on_the_whole_log(&client, &env, &tasks).await;
    b.stop().await;
}
