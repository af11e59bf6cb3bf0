//! Delivering decided commands. Due commands are locked (`SKIP LOCKED`, so
//! several projector processes share the work), sent one by one, and their
//! outcome stored when the chunk's transaction commits. A process that dies
//! mid-chunk leaves its commands pending: they are sent again, with the same
//! idempotency keys, and the command API answers the repeat with the first
//! answer instead of appending again.

use std::sync::Arc;
use std::time::Duration;

use read_model::process_managers::PendingCommand;
use read_model::process_managers::commands::{self, Delivery};
use sqlx::PgPool;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{Credentials, ProcessManagerSettings, subject};

/// Commands locked and sent per transaction.
const CHUNK: i64 = 16;
/// How often an idle dispatcher looks for due commands.
const IDLE_POLL: Duration = Duration::from_millis(100);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Dispatcher {
    pool: PgPool,
    client: reqwest::Client,
    command_api_url: String,
    credentials: Arc<Credentials>,
}

pub struct DispatcherHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl DispatcherHandle {
    /// Finishes the chunk in flight and stops.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

impl Dispatcher {
    pub fn new(
        pool: PgPool,
        settings: &ProcessManagerSettings,
        credentials: Credentials,
    ) -> Result<Self, reqwest::Error> {
        Ok(Self {
            pool,
            client: reqwest::Client::builder()
                .timeout(REQUEST_TIMEOUT)
                .build()?,
            command_api_url: settings.command_api_url.clone(),
            credentials: Arc::new(credentials),
        })
    }

    pub fn spawn(self) -> DispatcherHandle {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            while !*stopped.borrow() {
                let sent = match self.deliver_due().await {
                    Ok(sent) => sent,
                    Err(error) => {
                        tracing::warn!(%error, "cannot read or record the process managers' commands");
                        0
                    }
                };
                if sent == 0 {
                    tokio::select! {
                        _ = tokio::time::sleep(IDLE_POLL) => {}
                        _ = stopped.changed() => {}
                    }
                }
            }
        });
        DispatcherHandle { stop, task }
    }

    /// Sends one chunk of due commands; returns how many.
    async fn deliver_due(&self) -> Result<usize, sqlx::Error> {
        let mut transaction = self.pool.begin().await?;
        let due = commands::lock_due(&mut transaction, CHUNK).await?;
        for command in &due {
            let delivery = self.deliver(command).await;
            match &delivery {
                Delivery::Done { status } => tracing::info!(
                    process_manager = %command.process_manager,
                    stream_id = %command.stream_id,
                    command = %command.command,
                    status,
                    "command delivered"
                ),
                Delivery::Refused { status, error } => tracing::warn!(
                    process_manager = %command.process_manager,
                    stream_id = %command.stream_id,
                    command = %command.command,
                    status,
                    %error,
                    "command refused for good; not sent again"
                ),
                Delivery::Retry { error, delay, .. } => tracing::warn!(
                    process_manager = %command.process_manager,
                    stream_id = %command.stream_id,
                    command = %command.command,
                    %error,
                    retry_in_ms = delay.as_millis() as u64,
                    "command not delivered; retrying"
                ),
            }
            metrics::counter!(
                "projector_process_manager_commands_total",
                "process_manager" => command.process_manager.clone(),
                "outcome" => outcome_label(&delivery),
            )
            .increment(1);
            commands::record(&mut transaction, command.id, &delivery).await?;
        }
        transaction.commit().await?;
        Ok(due.len())
    }

    async fn deliver(&self, command: &PendingCommand) -> Delivery {
        let url = format!(
            "{}/v1/{}/{}/{}",
            self.command_api_url, command.aggregate, command.stream_id, command.command
        );
        let mut request = self.client.post(&url);
        if let Some(version) = command.expected_version {
            request = request.header("If-Match", format!("\"{version}\""));
        }
        let request = request
            .header("Idempotency-Key", &command.idempotency_key)
            // The command's events name the event that caused them.
            .header("X-Correlation-Id", command.cause_event_id.to_string())
            .json(&command.body);
        let request = match self
            .credentials
            .authorize(
                request,
                &subject(&command.process_manager),
                &command.tenant_id,
            )
            .await
        {
            Ok(request) => request,
            Err(error) => {
                return Delivery::Retry {
                    status: None,
                    error: error.to_string(),
                    delay: backoff(command.attempts),
                };
            }
        };
        match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.text().await.unwrap_or_default();
                classify(status, body, command.attempts)
            }
            Err(error) => Delivery::Retry {
                status: None,
                error: error.to_string(),
                delay: backoff(command.attempts),
            },
        }
    }
}

/// The command API's answer, as a delivery outcome: applied; refused by the
/// domain or the contract (sending it again would get the same answer); or
/// not now (unavailable, overloaded, or the credentials were refused, which
/// an operator can fix).
fn classify(status: u16, body: String, attempts: i32) -> Delivery {
    match status {
        200..=299 => Delivery::Done { status },
        401 | 403 | 408 | 429 | 500..=599 => Delivery::Retry {
            status: Some(status),
            error: body,
            delay: backoff(attempts),
        },
        _ => Delivery::Refused {
            status,
            error: body,
        },
    }
}

/// 100 ms, doubling per attempt, at most 30 s.
fn backoff(attempts: i32) -> Duration {
    let doublings = attempts.clamp(0, 9) as u32;
    (Duration::from_millis(100) * 2u32.pow(doublings)).min(Duration::from_secs(30))
}

fn outcome_label(delivery: &Delivery) -> &'static str {
    match delivery {
        Delivery::Done { .. } => "done",
        Delivery::Refused { .. } => "refused",
        Delivery::Retry { .. } => "retry",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_done_refused_for_good_or_retried() {
        assert_eq!(
            classify(200, String::new(), 0),
            Delivery::Done { status: 200 }
        );
        assert!(matches!(
            classify(409, "task_archived".into(), 0),
            Delivery::Refused { status: 409, .. }
        ));
        assert!(matches!(
            classify(404, String::new(), 0),
            Delivery::Refused { .. }
        ));
        for status in [401, 403, 429, 503] {
            assert!(
                matches!(classify(status, String::new(), 0), Delivery::Retry { .. }),
                "{status}"
            );
        }
    }

    #[test]
    fn the_backoff_doubles_up_to_thirty_seconds() {
        assert_eq!(backoff(0), Duration::from_millis(100));
        assert_eq!(backoff(3), Duration::from_millis(800));
        assert_eq!(backoff(50), Duration::from_secs(30));
    }
}
