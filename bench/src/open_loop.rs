//! `commands --open-loop`: requests leave on a fixed schedule whatever the
//! answers, as real traffic does, and each latency counts from the
//! request's *scheduled* time, so a stall of the server delays every request
//! due meanwhile and shows in the percentiles (coordinated omission is
//! corrected by construction). The mix is 80% renames of existing tasks and
//! 20% creates. A search finds the highest rate whose step holds
//! p99 <= 50 ms for the whole step.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tokio::time::Instant;
use uuid::Uuid;

use crate::latency::Latencies;

/// The latency target of a step.
pub const P99_TARGET_MS: f64 = 50.0;
/// More failed requests than this share fails a step.
const MAX_ERROR_SHARE: f64 = 0.001;
/// A step stops early once this many seconds of requests are in flight:
/// the server is saturated and the step has failed.
const SATURATED_AFTER_SECONDS_IN_FLIGHT: f64 = 2.0;
/// Where the search starts, and how many halvings refine it after the
/// first failing rate.
const FIRST_RATE: f64 = 250.0;
const REFINEMENTS: usize = 3;
const MAX_RATE: f64 = 64_000.0;

/// One rate held for one step.
pub struct Step {
    pub rate: f64,
    pub sent: usize,
    pub errors: usize,
    /// Whether the step ended early because the server fell behind.
    pub saturated: bool,
    pub latencies: Latencies,
}

impl Step {
    pub fn holds(&self) -> bool {
        !self.saturated
            && (self.errors as f64) <= MAX_ERROR_SHARE * self.sent as f64
            && self.latencies.percentile_ms(99.0) <= P99_TARGET_MS
    }

    pub fn line(&self) -> String {
        format!(
            "  {:>7.0}/s  p50 {:>8.2} ms  p99 {:>8.2} ms  p99.9 {:>8.2} ms  errors {:>5}  {}",
            self.rate,
            self.latencies.percentile_ms(50.0),
            self.latencies.percentile_ms(99.0),
            self.latencies.percentile_ms(99.9),
            self.errors,
            if self.saturated {
                "saturated"
            } else if self.holds() {
                "holds"
            } else {
                "misses"
            }
        )
    }
}

/// Where the command API is, and the tasks renames pick from.
#[derive(Clone)]
pub struct Target {
    pub client: reqwest::Client,
    pub url: String,
    pub tasks: Arc<Vec<Uuid>>,
}

/// Sends commands at `rate` for `duration`.
pub async fn step(target: &Target, rate: f64, duration: Duration) -> Step {
    let (done, mut finished) = tokio::sync::mpsc::unbounded_channel::<Option<Duration>>();
    let started = Instant::now();
    let interval = Duration::from_secs_f64(1.0 / rate);
    let total = (rate * duration.as_secs_f64()).round() as u64;
    let saturated_at = (rate * SATURATED_AFTER_SECONDS_IN_FLIGHT) as u64;
    let mut latencies = Latencies::default();
    let (mut sent, mut answered, mut errors) = (0u64, 0u64, 0usize);
    let mut saturated = false;
    let mut n: u64 = rate as u64;
    while sent < total {
        let scheduled = started + interval.mul_f64(sent as f64);
        tokio::time::sleep_until(scheduled).await;
        // Everything due by now leaves now, each timed from its own schedule.
        while sent < total && started + interval.mul_f64(sent as f64) <= Instant::now() {
            let due = started + interval.mul_f64(sent as f64);
            n = n
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            tokio::spawn(send(target.clone(), n, due, done.clone()));
            sent += 1;
        }
        while let Ok(outcome) = finished.try_recv() {
            answered += 1;
            match outcome {
                Some(latency) => latencies.record(latency),
                None => errors += 1,
            }
        }
        if sent - answered > saturated_at {
            saturated = true;
            break;
        }
    }
    drop(done);
    // The stragglers: each one's latency still counts from its schedule.
    while let Some(outcome) = finished.recv().await {
        match outcome {
            Some(latency) => latencies.record(latency),
            None => errors += 1,
        }
    }
    Step {
        rate,
        sent: sent as usize,
        errors,
        saturated,
        latencies,
    }
}

async fn send(
    target: Target,
    n: u64,
    due: Instant,
    done: tokio::sync::mpsc::UnboundedSender<Option<Duration>>,
) {
    let request = if n.is_multiple_of(5) {
        target
            .client
            .post(format!("{}/v1/tasks", target.url))
            .json(&json!({ "title": format!("open loop {n}") }))
    } else {
        let task = target.tasks[(n >> 33) as usize % target.tasks.len()];
        target
            .client
            .post(format!("{}/v1/tasks/{task}/rename", target.url))
            .json(&json!({ "title": format!("renamed {n}") }))
    };
    let outcome = match request.send().await {
        Ok(response) if response.status().is_success() => {
            let _ = response.bytes().await;
            Some(due.elapsed())
        }
        _ => None,
    };
    let _ = done.send(outcome);
}

/// Every step the search ran, and the highest rate that held.
pub struct Search {
    pub steps: Vec<Step>,
    pub best: Option<f64>,
}

impl Search {
    /// The step at exactly `rate`, if the search ran one.
    pub fn at(&self, rate: f64) -> Option<&Step> {
        self.steps
            .iter()
            .find(|step| (step.rate - rate).abs() < 0.5)
    }
}

/// One step at `rate`, repeated once when it misses: a single stall of the
/// shared machine (a broker GC, say) should not end the search. The rate
/// holds when one of the two steps held for its whole length.
async fn confirmed_step(target: &Target, rate: f64, duration: Duration) -> Step {
    let first = step(target, rate, duration).await;
    println!("{}", first.line());
    if first.holds() {
        return first;
    }
    let again = step(target, rate, duration).await;
    println!("{} (repeated)", again.line());
    if again.holds() { again } else { first }
}

/// Doubles the rate from [`FIRST_RATE`] while steps hold, then halves the
/// gap between the best holding and the first failing rate
/// [`REFINEMENTS`] times. Each step lasts `duration` (20 s by default: the
/// rate must hold that long) and a missing step is repeated once.
pub async fn search(target: &Target, duration: Duration) -> Search {
    let mut steps = Vec::new();
    let mut best: Option<f64> = None;
    let mut rate = FIRST_RATE;
    let mut failing = None;
    while rate <= MAX_RATE {
        let measured = confirmed_step(target, rate, duration).await;
        let holds = measured.holds();
        steps.push(measured);
        if !holds {
            failing = Some(rate);
            break;
        }
        best = Some(rate);
        rate *= 2.0;
    }
    if let Some(mut high) = failing {
        let mut low = best.unwrap_or(0.0);
        for _ in 0..REFINEMENTS {
            let middle = ((low + high) / 2.0).round();
            if middle <= low || middle >= high {
                break;
            }
            let measured = confirmed_step(target, middle, duration).await;
            if measured.holds() {
                low = middle;
                best = Some(middle);
            } else {
                high = middle;
            }
            steps.push(measured);
        }
    }
    Search { steps, best }
}
