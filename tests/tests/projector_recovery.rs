//! The projector's exactly-once effect under crashes and rebalances: the read
//! models always end equal to the fold of the whole topic, recomputed here
//! from the records with the `events` crate, row by row and count by count.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tests::TestEnv;
use tests::kafka::read_all;
use tests::read_side::database::{TestDatabase, caught_up, checkpoints};
use tests::read_side::eventually;
use tests::read_side::model::{actual, assert_same, end_offsets, expected};
use tests::read_side::producer::EventProducer;
use tests::read_side::services::{PROJECTION, ProjectorProcess, assigned_partitions};
use tests::read_side::story::backlog;

const PROJECTOR: &str = env!("CARGO_BIN_EXE_test-projector");

async fn topic_records(env: &TestEnv) -> Vec<tests::kafka::ReadRecord> {
    let (brokers, topic) = (env.brokers.clone(), env.tasks_topic());
    tokio::task::spawn_blocking(move || read_all(&brokers, &topic))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_projector_killed_mid_backlog_resumes_to_exactly_the_fold_of_the_topic() {
    let env = TestEnv::with_partitions(4);
    let database = TestDatabase::create().await;
    let producer = EventProducer::new(&env).await;
    let topic = env.tasks_topic();
    let envelopes = backlog(2_000, 12, 3, 42);
    let total = envelopes.len() as i64;
    producer.send_all(&envelopes).await;
    let ends = producer.ends();
    let pool = database.pool().await;

    // Small batches so the backlog takes many transactions to work off.
    let small_batches = [("PROJECTOR_BATCH_MAX", "100")];
    let mut first = ProjectorProcess::spawn(&env, &database, PROJECTOR, &small_batches);
    eventually(
        Duration::from_secs(60),
        "the projector is part-way through the backlog",
        || async {
            let applied: i64 = checkpoints(&pool, PROJECTION, &topic).await.values().sum();
            applied > total / 10
        },
    )
    .await;
    first.kill();
    let applied_at_kill: i64 = checkpoints(&pool, PROJECTION, &topic).await.values().sum();
    assert!(
        applied_at_kill < total,
        "the kill came after the backlog was done ({applied_at_kill} of {total})"
    );

    let _second = ProjectorProcess::spawn(&env, &database, PROJECTOR, &[]);
    eventually(
        Duration::from_secs(120),
        "the restarted projector works off the backlog",
        || caught_up(&pool, PROJECTION, &topic, &ends),
    )
    .await;

    let records = topic_records(&env).await;
    assert_eq!(records.len() as i64, total);
    assert_same(&actual(&pool).await, &expected(&records));
    database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn projectors_splitting_partitions_apply_every_event_once_while_one_dies_and_one_joins() {
    let env = TestEnv::with_partitions(6);
    let database = TestDatabase::create().await;
    let producer = Arc::new(EventProducer::new(&env).await);
    let topic = env.tasks_topic();
    let pool = database.pool().await;

    // Events flow the whole time, in waves, until told to stop.
    let flowing = Arc::new(AtomicBool::new(true));
    let traffic = tokio::spawn({
        let (producer, flowing) = (producer.clone(), flowing.clone());
        async move {
            let mut wave = 0;
            while flowing.load(Ordering::SeqCst) {
                producer.send_all(&backlog(50, 4, 2, 1_000 + wave)).await;
                wave += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    });

    let extra = [("PROJECTOR_BATCH_MAX", "50")];
    let mut first = ProjectorProcess::spawn(&env, &database, PROJECTOR, &extra);
    let mut second = ProjectorProcess::spawn(&env, &database, PROJECTOR, &extra);
    eventually(
        Duration::from_secs(60),
        "both projectors hold partitions",
        || async {
            !assigned_partitions(&first.url).await.is_empty()
                && !assigned_partitions(&second.url).await.is_empty()
        },
    )
    .await;
    eventually(
        Duration::from_secs(60),
        "events are being applied",
        || async {
            checkpoints(&pool, PROJECTION, &topic)
                .await
                .values()
                .sum::<i64>()
                > 500
        },
    )
    .await;

    first.kill();
    let third = ProjectorProcess::spawn(&env, &database, PROJECTOR, &extra);
    eventually(
        Duration::from_secs(60),
        "the newcomer takes partitions and the dead one's are moved",
        || async {
            let (second, third) = (
                assigned_partitions(&second.url).await,
                assigned_partitions(&third.url).await,
            );
            !third.is_empty() && second.len() + third.len() == 6
        },
    )
    .await;
    // A graceful leave too: the survivor's batch in flight is committed and
    // its partitions move at once.
    let status = second.terminate().await;
    assert!(
        status.success(),
        "SIGTERM ends the projector cleanly: {status:?}"
    );

    flowing.store(false, Ordering::SeqCst);
    traffic.await.unwrap();
    let records = topic_records(&env).await;
    let ends = end_offsets(&records);
    eventually(
        Duration::from_secs(120),
        "the remaining projector catches up",
        || caught_up(&pool, PROJECTION, &topic, &ends),
    )
    .await;
    assert_eq!(assigned_partitions(&third.url).await.len(), 6);
    assert_same(&actual(&pool).await, &expected(&records));
    drop(third);
    database.drop_database().await;
}
