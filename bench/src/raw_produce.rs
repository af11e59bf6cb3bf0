//! The ceiling: plain rdkafka transactional producers, one per partition as
//! the command API's writers, producing as fast as they can and committing
//! every 10 ms (as Kafka's `ProducerPerformance --transaction-duration-ms 10`
//! does), with real task envelopes as values (distinct ids and titles, so
//! lz4 compresses them as much as the API's records and no more). Nothing
//! else runs meanwhile.

use std::time::{Duration, Instant};

use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};

/// Distinct record values the producers cycle through.
const PAYLOADS: usize = 4096;

/// `count` envelopes of renamed tasks, as the command API writes them.
fn envelopes(count: usize) -> Vec<Vec<u8>> {
    use events::task::{Task, TaskEvent};
    use events::{Aggregate, CommandMetadata, Envelope};
    (0..count)
        .map(|i| {
            let command = uuid::Uuid::now_v7().to_string();
            let meta = CommandMetadata {
                command_id: command.clone(),
                correlation_id: command.clone(),
                causation_id: command,
                actor: "bench".into(),
                tenant_id: format!("tenant-{}", i % 8),
            };
            let event = TaskEvent::Renamed {
                title: format!("renamed {} {i}", uuid::Uuid::new_v4().simple()),
            };
            Envelope::new(
                &event,
                Task::STREAM_TYPE,
                uuid::Uuid::now_v7(),
                (i % 50 + 2) as u64,
                &meta,
                chrono::Utc::now(),
            )
            .to_json_bytes()
        })
        .collect()
}

/// Records queued per producer before it waits for deliveries.
const MAX_IN_FLIGHT: i32 = 50_000;

pub async fn records_per_second(
    brokers: &str,
    topic: &str,
    partitions: i32,
    transaction: Duration,
    duration: Duration,
) -> anyhow::Result<f64> {
    platform::kafka::ensure_topic(brokers, topic, partitions, 1).await?;
    let payloads = std::sync::Arc::new(envelopes(PAYLOADS));
    let workers: Vec<_> = (0..partitions)
        .map(|partition| {
            let brokers = brokers.to_owned();
            let topic = topic.to_owned();
            let payloads = payloads.clone();
            std::thread::spawn(move || -> anyhow::Result<u64> {
                let producer: ThreadedProducer<DefaultProducerContext> =
                    platform::kafka::client_config(&brokers)
                        .set("transactional.id", format!("bench.raw.{topic}.{partition}"))
                        .set("linger.ms", "0")
                        .set("compression.type", "lz4")
                        .create()?;
                producer.init_transactions(Duration::from_secs(30))?;
                let deadline = Instant::now() + duration;
                let mut sent = 0u64;
                while Instant::now() < deadline {
                    producer.begin_transaction()?;
                    let begun = Instant::now();
                    let mut i = 0u64;
                    while begun.elapsed() < transaction {
                        i += 1;
                        let key = format!("{partition}-{i}");
                        producer
                            .send(
                                BaseRecord::to(&topic)
                                    .partition(partition)
                                    .key(&key)
                                    .payload(&payloads[i as usize % payloads.len()]),
                            )
                            .map_err(|(error, _)| error)?;
                        // A full local queue: let deliveries drain.
                        if producer.in_flight_count() > MAX_IN_FLIGHT {
                            std::thread::sleep(Duration::from_micros(50));
                        }
                    }
                    // As the command API's writers do: wait for delivery before
                    // committing, since rdkafka's commit flushes in 100 ms steps.
                    while producer.in_flight_count() > 0 {
                        std::thread::sleep(Duration::from_micros(50));
                    }
                    producer.commit_transaction(Duration::from_secs(10))?;
                    sent += i;
                }
                Ok(sent)
            })
        })
        .collect();
    let mut total = 0;
    for worker in workers {
        total += worker
            .join()
            .map_err(|_| anyhow::anyhow!("raw producer panicked"))??;
    }
    Ok(total as f64 / duration.as_secs_f64())
}
