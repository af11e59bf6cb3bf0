//! Delivery reports of a writer's transactional producer, and the wait for
//! them before committing.
//!
//! rdkafka's `commit_transaction` first flushes, and its flush polls in steps
//! of 100 ms that never end early: any record still in flight when the commit
//! starts costs 100 ms. So the writer waits here until every record of the
//! transaction is delivered and released (the producer's background thread
//! serves the reports), and only then commits, which then flushes nothing.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use rdkafka::client::ClientContext;
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::producer::{DeliveryResult, ProducerContext};

/// Collects the offset of each record of the transaction in flight, by its index.
#[derive(Default)]
pub struct DeliveryLog {
    outcomes: Mutex<Vec<Option<Result<i64, KafkaError>>>>,
    reported: Condvar,
}

impl DeliveryLog {
    /// Forgets the previous transaction and expects `records` reports.
    pub fn expect(&self, records: usize) {
        let mut outcomes = self.outcomes.lock().expect("delivery log lock");
        outcomes.clear();
        outcomes.resize_with(records, || None);
    }

    /// Waits until every expected record has a report; false on timeout.
    pub fn wait_all(&self, timeout: Duration) -> bool {
        let expected = self.outcomes.lock().expect("delivery log lock").len();
        self.wait_first(expected, timeout)
    }

    /// Waits until the first `count` records have a report; false on timeout.
    pub fn wait_first(&self, count: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut outcomes = self.outcomes.lock().expect("delivery log lock");
        while outcomes.iter().take(count).any(Option::is_none) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            outcomes = self
                .reported
                .wait_timeout(outcomes, left)
                .expect("delivery log lock")
                .0;
        }
        true
    }

    /// The offsets of every record, once all were delivered.
    pub fn offsets(&self) -> Result<Vec<i64>, KafkaError> {
        self.offsets_of_first(usize::MAX)
    }

    /// The highest offset among the delivered records from slot `first` on
    /// (a transaction's snapshots follow its events).
    pub fn last_offset_from(&self, first: usize) -> Option<i64> {
        let outcomes = self.outcomes.lock().expect("delivery log lock");
        outcomes
            .iter()
            .skip(first)
            .filter_map(|outcome| outcome.as_ref()?.as_ref().ok().copied())
            .max()
    }

    /// The offsets of the first `count` records, once they were delivered.
    pub fn offsets_of_first(&self, count: usize) -> Result<Vec<i64>, KafkaError> {
        let outcomes = self.outcomes.lock().expect("delivery log lock");
        outcomes
            .iter()
            .take(count)
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
        self.reported.notify_all();
    }
}
