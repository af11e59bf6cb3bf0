//! A writer's transactional producer, with a thread of its own that serves
//! the delivery reports as they come, like rdkafka's `ThreadedProducer`,
//! but in polling rounds of a second instead of 100 ms. rdkafka truncates a
//! round's remaining time to whole milliseconds, so the last millisecond of
//! every round spins: with 100 ms rounds that was about 1% of a core per
//! idle writer, most of an idle command API's CPU. Reports still wake the
//! thread at once (it blocks on librdkafka's queue), so commits are not
//! delayed.

use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rdkafka::producer::BaseProducer;

use super::delivery::DeliveryLog;

/// How long one polling round blocks; also how long the thread may outlive
/// its writer.
const POLL_ROUND: Duration = Duration::from_secs(1);

pub struct PolledProducer {
    producer: Arc<BaseProducer<DeliveryLog>>,
    stop: Arc<AtomicBool>,
}

impl PolledProducer {
    /// Starts the polling thread, named `name`.
    pub fn start(producer: BaseProducer<DeliveryLog>, name: String) -> std::io::Result<Self> {
        let producer = Arc::new(producer);
        let stop = Arc::new(AtomicBool::new(false));
        let (polled, stopped) = (producer.clone(), stop.clone());
        std::thread::Builder::new().name(name).spawn(move || {
            while !stopped.load(Ordering::Acquire) {
                polled.poll(POLL_ROUND);
            }
        })?;
        Ok(Self { producer, stop })
    }
}

impl Deref for PolledProducer {
    type Target = BaseProducer<DeliveryLog>;

    fn deref(&self) -> &Self::Target {
        &self.producer
    }
}

impl Drop for PolledProducer {
    /// The thread is not waited for: it ends within a round and drops the
    /// producer then. A writer that takes the partition over meanwhile fences
    /// it with its own `init_transactions`, so a takeover does not wait either.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}
