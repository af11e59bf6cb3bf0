//! Command load from many concurrent HTTP clients: creates and renames of
//! tasks, half of them with an `Idempotency-Key` and retried until they get
//! an answer, the others sent once. Every command carries a unique title
//! (its marker), so that the log can be matched against what was answered.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use tests::command_api::{Client, Reply};
use uuid::Uuid;

/// Bounds one HTTP attempt a little above the API's command timeout (20 s).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(25);
/// Attempts of an idempotent command before the client gives up on it.
const IDEMPOTENT_ATTEMPTS: u32 = 40;
const RETRY_PAUSE: Duration = Duration::from_millis(250);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Create,
    Rename,
}

/// What a client knows about one command it sent.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub marker: String,
    pub kind: Kind,
    pub task: Uuid,
    pub idempotent: bool,
    pub attempts: u32,
    /// The version of an answered (2xx) command.
    pub acknowledged: Option<u64>,
    /// The status of the last attempt (0: no answer).
    pub last_status: u16,
    /// The error code of the last attempt's answer, if it had one.
    pub last_error: String,
    /// The instance the last attempt went to.
    pub last_url: String,
}

/// The clients' shared view of the instances: a killed one is taken out so
/// that the load carries on against the others, as a load balancer would.
#[derive(Clone)]
pub struct Targets(Arc<Mutex<Vec<Client>>>);

impl Targets {
    pub fn new(urls: &[String]) -> Self {
        Self(Arc::new(Mutex::new(
            urls.iter().map(|url| Client::new(url)).collect(),
        )))
    }

    pub fn remove(&self, url: &str) {
        self.0.lock().unwrap().retain(|client| client.url != url);
    }

    fn pick(&self, n: usize) -> Client {
        let clients = self.0.lock().unwrap();
        clients[n % clients.len()].clone()
    }
}

pub struct Load {
    stop: Arc<AtomicBool>,
    acknowledged: Arc<AtomicU64>,
    acknowledged_at: Arc<Mutex<Vec<Instant>>>,
    workers: Vec<tokio::task::JoinHandle<Vec<Outcome>>>,
}

impl Load {
    /// `workers` clients, each creating its own tasks and renaming them and
    /// `seed` (tasks that exist already), until [`Load::stop`].
    pub fn start(run: &str, targets: &Targets, workers: usize, seed: &[Uuid]) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let acknowledged = Arc::new(AtomicU64::new(0));
        let acknowledged_at = Arc::new(Mutex::new(Vec::new()));
        let workers = (0..workers)
            .map(|worker| {
                let worker = Worker {
                    name: format!("{run}-w{worker}"),
                    index: worker,
                    targets: targets.clone(),
                    tasks: seed.to_vec(),
                    stop: stop.clone(),
                    acknowledged: acknowledged.clone(),
                    acknowledged_at: acknowledged_at.clone(),
                };
                tokio::spawn(worker.run())
            })
            .collect();
        Self {
            stop,
            acknowledged,
            acknowledged_at,
            workers,
        }
    }

    pub fn acknowledged(&self) -> u64 {
        self.acknowledged.load(Ordering::Relaxed)
    }

    /// The longest stretch without any acknowledged command in `from..to`
    /// (a fault's pause, as the clients saw it).
    pub fn longest_pause(&self, from: Instant, to: Instant) -> Duration {
        let mut times: Vec<Instant> = self
            .acknowledged_at
            .lock()
            .unwrap()
            .iter()
            .copied()
            .filter(|at| (from..to).contains(at))
            .collect();
        times.sort();
        let mut previous = from;
        let mut longest = Duration::ZERO;
        for at in times.into_iter().chain([to]) {
            longest = longest.max(at - previous);
            previous = at;
        }
        longest
    }

    /// Stops the clients (each finishes the command it is retrying) and
    /// returns every command's outcome.
    pub async fn stop(self) -> Vec<Outcome> {
        self.stop.store(true, Ordering::Relaxed);
        let mut outcomes = Vec::new();
        for worker in self.workers {
            outcomes.extend(worker.await.expect("load worker"));
        }
        outcomes
    }
}

struct Worker {
    name: String,
    index: usize,
    targets: Targets,
    tasks: Vec<Uuid>,
    stop: Arc<AtomicBool>,
    acknowledged: Arc<AtomicU64>,
    acknowledged_at: Arc<Mutex<Vec<Instant>>>,
}

impl Worker {
    async fn run(mut self) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        let mut n = 0usize;
        while !self.stop.load(Ordering::Relaxed) {
            let marker = format!("{}-{n}", self.name);
            let idempotent = n.is_multiple_of(2);
            // Two creates in eight (one with a key, one without), renames
            // of known tasks otherwise.
            let outcome = if self.tasks.is_empty() || n % 8 == 1 || n % 8 == 2 {
                self.create(marker, idempotent, n).await
            } else {
                let task = self.tasks[(n * 7 + self.index) % self.tasks.len()];
                self.rename(task, marker, idempotent, n).await
            };
            if outcome.acknowledged.is_some() {
                self.acknowledged.fetch_add(1, Ordering::Relaxed);
                self.acknowledged_at.lock().unwrap().push(Instant::now());
                if outcome.kind == Kind::Create {
                    self.tasks.push(outcome.task);
                }
            }
            outcomes.push(outcome);
            n += 1;
        }
        outcomes
    }

    async fn create(&self, marker: String, idempotent: bool, n: usize) -> Outcome {
        // The client names the task, so an unanswered create is still known.
        let task = Uuid::now_v7();
        let body = json!({ "task_id": task, "title": marker });
        self.send(
            Kind::Create,
            task,
            "/v1/tasks".into(),
            body,
            marker,
            idempotent,
            n,
        )
        .await
    }

    async fn rename(&self, task: Uuid, marker: String, idempotent: bool, n: usize) -> Outcome {
        let body = json!({ "title": marker });
        let path = format!("/v1/tasks/{task}/rename");
        self.send(Kind::Rename, task, path, body, marker, idempotent, n)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn send(
        &self,
        kind: Kind,
        task: Uuid,
        path: String,
        body: serde_json::Value,
        marker: String,
        idempotent: bool,
        n: usize,
    ) -> Outcome {
        let key = format!("key-{marker}");
        let headers: Vec<(&str, &str)> = if idempotent {
            vec![("Idempotency-Key", key.as_str())]
        } else {
            Vec::new()
        };
        let mut outcome = Outcome {
            marker: marker.clone(),
            kind,
            task,
            idempotent,
            attempts: 0,
            acknowledged: None,
            last_status: 0,
            last_error: String::new(),
            last_url: String::new(),
        };
        loop {
            // Commands alternate between the instances in pairs (so that
            // each instance gets commands with and without a key), and a
            // retry goes to the next instance, as a client behind a load
            // balancer would reach another one.
            let client = self
                .targets
                .pick(self.index + n / 2 + outcome.attempts as usize);
            outcome.attempts += 1;
            outcome.last_url.clone_from(&client.url);
            let reply = attempt(&client, &path, body.clone(), &headers).await;
            outcome.last_status = reply.status;
            outcome.last_error = if reply.status == 0 {
                "no answer".into()
            } else {
                reply.error_code().to_owned()
            };
            if (200..300).contains(&reply.status) {
                outcome.acknowledged = Some(reply.version());
                return outcome;
            }
            let retryable = reply.status == 0 || reply.status == 409 || reply.status >= 500;
            if !idempotent || !retryable || outcome.attempts >= IDEMPOTENT_ATTEMPTS {
                return outcome;
            }
            tokio::time::sleep(RETRY_PAUSE).await;
        }
    }
}

async fn attempt(
    client: &Client,
    path: &str,
    body: serde_json::Value,
    headers: &[(&str, &str)],
) -> Reply {
    match tokio::time::timeout(ATTEMPT_TIMEOUT, client.post(path, Some(body), headers)).await {
        Ok(reply) => reply,
        Err(_) => Reply {
            status: 0,
            headers: Default::default(),
            body: json!({ "transport_error": "no answer in time" }),
        },
    }
}

/// How many commands ended with each (kind, with a key, last status, error code).
pub fn tally(outcomes: &[Outcome]) -> BTreeMap<(Kind, bool, u16, String), usize> {
    let mut counts = BTreeMap::new();
    for outcome in outcomes {
        *counts
            .entry((
                outcome.kind,
                outcome.idempotent,
                outcome.last_status,
                outcome.last_error.clone(),
            ))
            .or_default() += 1;
    }
    counts
}

/// Per instance: (commands whose last attempt went there, acknowledged).
pub fn by_instance(outcomes: &[Outcome]) -> BTreeMap<String, (usize, usize)> {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for outcome in outcomes {
        let entry = counts.entry(outcome.last_url.clone()).or_default();
        entry.0 += 1;
        entry.1 += usize::from(outcome.acknowledged.is_some());
    }
    counts
}

/// One line of figures for a load's outcomes.
pub fn summary(outcomes: &[Outcome]) -> String {
    let acknowledged = outcomes.iter().filter(|o| o.acknowledged.is_some()).count();
    let retried = outcomes.iter().filter(|o| o.attempts > 1).count();
    let retried_acknowledged = outcomes
        .iter()
        .filter(|o| o.attempts > 1 && o.acknowledged.is_some())
        .count();
    format!(
        "{} commands sent, {acknowledged} acknowledged, {} unanswered or refused; {retried} retried with their key ({retried_acknowledged} of them acknowledged in the end)",
        outcomes.len(),
        outcomes.len() - acknowledged
    )
}
