//! The batch transaction on its own, against the real PostgreSQL: a worker
//! that lost its partition but still applies a batch cannot apply anything
//! twice or move the new owner's checkpoint back, whatever the interleaving.

use std::collections::HashMap;

use projector::engine::apply::apply_batch;
use projector::engine::batch::Batch;
use projector::projection::Decoded;
use projector::tasks::{TaskRecord, Tasks};
use sqlx::{PgPool, Row};
use tests::read_side::database::{TestDatabase, checkpoints};
use tests::read_side::story::backlog;

const TOPIC: &str = "fencing.tasks";

/// Every record of the backlog in partition 0, in order.
fn records() -> Vec<Decoded<TaskRecord>> {
    backlog(20, 5, 2, 99)
        .iter()
        .enumerate()
        .map(|(offset, envelope)| Decoded {
            partition: 0,
            offset: offset as i64,
            event: TaskRecord::decode(Some(&envelope.to_json_bytes())).unwrap(),
        })
        .collect()
}

fn batch(records: &[Decoded<TaskRecord>]) -> Batch<TaskRecord> {
    let mut batch = Batch::new();
    for record in records {
        batch.push(record.clone(), 1);
    }
    batch
}

async fn apply(
    pool: &PgPool,
    records: &[Decoded<TaskRecord>],
    expected_next: i64,
) -> Vec<(i32, i64)> {
    let expected = HashMap::from([(0, expected_next)]);
    apply_batch(pool, &Tasks::V1, TOPIC, &batch(records), &expected)
        .await
        .expect("batch applies")
        .checkpoints
}

/// History rows, the sum of all versions and the tasks counted by status.
async fn totals(pool: &PgPool) -> (i64, i64, i64) {
    let row = sqlx::query(
        "SELECT (SELECT count(*) FROM task_history_v1), (SELECT sum(version)::int8 FROM tasks_v1),
                (SELECT sum(task_count)::int8 FROM task_stats_v1)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    (row.get(0), row.get(1), row.get(2))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_worker_applies_only_what_the_new_owner_has_not() {
    let database = TestDatabase::create().await;
    let pool = database.pool().await;
    read_model::migrations::run(&pool).await.unwrap();
    let records = records();
    let n = records.len();
    let tasks = 20;

    // The old owner applied [0, 10); the new owner starts at 10 and gets to 30.
    apply(&pool, &records[..10], 0).await;
    apply(&pool, &records[10..30], 10).await;
    // The old owner's batch in flight, [10, 20), lands late: nothing happens.
    assert!(apply(&pool, &records[10..20], 10).await.is_empty());
    assert_eq!(
        checkpoints(&pool, "tasks.v1", TOPIC).await[&0],
        30,
        "the checkpoint never moves back"
    );
    // A late batch straddling the checkpoint applies only its tail.
    apply(&pool, &records[20..40], 20).await;
    assert_eq!(checkpoints(&pool, "tasks.v1", TOPIC).await[&0], 40);
    apply(&pool, &records[40..], 40).await;

    let (history, versions, counted) = totals(&pool).await;
    assert_eq!(history, n as i64, "one history row per event");
    assert_eq!(
        versions, n as i64,
        "every task at its last version (versions sum to the event count)"
    );
    assert_eq!(counted, tasks, "every task counted once");
    database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_racing_over_the_same_records_apply_each_once() {
    let database = TestDatabase::create().await;
    let pool = database.pool().await;
    read_model::migrations::run(&pool).await.unwrap();
    let records = records();
    let n = records.len();

    // Both believe they own the partition from 0 and apply the same log in
    // different batch sizes at the same time.
    let worker = |step: usize| {
        let (pool, records) = (pool.clone(), records.clone());
        tokio::spawn(async move {
            let mut start = 0;
            while start < records.len() {
                let end = (start + step).min(records.len());
                apply(&pool, &records[start..end], start as i64).await;
                start = end;
            }
        })
    };
    let (a, b) = (worker(7), worker(11));
    a.await.unwrap();
    b.await.unwrap();

    assert_eq!(checkpoints(&pool, "tasks.v1", TOPIC).await[&0], n as i64);
    let (history, versions, counted) = totals(&pool).await;
    assert_eq!((history, versions, counted), (n as i64, n as i64, 20));
    database.drop_database().await;
}
