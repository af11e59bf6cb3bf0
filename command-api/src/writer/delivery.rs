//! Delivery reports of a writer's transactional producer, and the wait for
//! them before committing.
//!
//! rdkafka's `commit_transaction` first flushes, and its flush polls in steps
//! of 100 ms that never end early: any record still in flight when the commit
//! starts costs 100 ms. So the writer serves the reports itself until every
//! record of the transaction is delivered and released, and only then
//! commits, which then flushes nothing.
//!
//! The writer's thread polls its producer (a `BaseProducer`), not a
//! background thread of rdkafka's `ThreadedProducer`: that thread polls in
//! 100 ms rounds whose last millisecond spins (the remaining time is
//! truncated to 0 ms), about 1% of a core per partition writer while idle.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rdkafka::producer::{BaseProducer, Producer};

use rdkafka::client::ClientContext;
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::producer::{DeliveryResult, ProducerContext};

/// Collects the offset of each record of the transaction in flight, by its index.
#[derive(Default)]
pub struct DeliveryLog {
    outcomes: Mutex<Vec<Option<Result<i64, KafkaError>>>>,
}

/// How long the writer sleeps between polls while it waits for reports.
const POLL_PAUSE: Duration = Duration::from_micros(50);

impl DeliveryLog {
    /// Forgets the previous transaction and expects `records` reports.
    pub fn expect(&self, records: usize) {
        let mut outcomes = self.outcomes.lock().expect("delivery log lock");
        outcomes.clear();
        outcomes.resize_with(records, || None);
    }

    fn all_reported(&self) -> bool {
        self.outcomes
            .lock()
            .expect("delivery log lock")
            .iter()
            .all(Option::is_some)
    }

    /// The offsets of every record, once all were delivered.
    pub fn offsets(&self) -> Result<Vec<i64>, KafkaError> {
        let outcomes = self.outcomes.lock().expect("delivery log lock");
        outcomes
            .iter()
            .map(|outcome| match outcome {
                Some(Ok(offset)) => Ok(*offset),
                Some(Err(error)) => Err(error.clone()),
                None => Err(KafkaError::Canceled),
            })
            .collect()
    }
}

impl ClientContext for DeliveryLog {}

impl ProducerContext for DeliveryLog {
    type DeliveryOpaque = usize;

    fn delivery(&self, result: &DeliveryResult<'_>, index: usize) {
        let outcome = match result {
            Ok(message) => Ok(message.offset()),
            Err((error, _)) => Err(error.clone()),
        };
        if let Some(slot) = self
            .outcomes
            .lock()
            .expect("delivery log lock")
            .get_mut(index)
        {
            *slot = Some(outcome);
        }
    }
}

/// How long the writer waits, once every report is in, for the producer to
/// release the records (it does so just after serving their reports).
const RELEASE_WAIT: Duration = Duration::from_millis(100);

/// Serves `producer`'s reports until every expected record has one (false
/// when `timeout` runs out first), then until the producer has released
/// them (at most [`RELEASE_WAIT`]), so that the commit flushes nothing.
pub fn serve_reports(producer: &BaseProducer<DeliveryLog>, timeout: Duration) -> bool {
    let reported = poll_until(producer, timeout, || producer.context().all_reported());
    if reported {
        poll_until(producer, RELEASE_WAIT, || producer.in_flight_count() == 0);
    }
    reported
}

fn poll_until(
    producer: &BaseProducer<DeliveryLog>,
    timeout: Duration,
    done: impl Fn() -> bool,
) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        // One event per call at most, without waiting.
        producer.poll(Duration::ZERO);
        if done() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(POLL_PAUSE);
    }
}
