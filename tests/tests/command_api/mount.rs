//! A third aggregate, defined only here, mounted next to tasks through the
//! public mount API: its commands reach its own topic.

use command_api::CommandApi;
use events::task::Task;
use events::{
    Aggregate, Command, CommandParseError, DecodeError, DomainError, DomainEvent, ErrorKind,
};
use serde_json::{Value, json};
use tests::TestEnv;
use tests::command_api::{Client, InProcess, config};
use tests::kafka::read_all;

/// A counter that exists once opened and can only be opened once.
#[derive(Debug, Clone, Default)]
struct Counter {
    opened: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
enum CounterCommand {
    Open,
}

impl Command for CounterCommand {
    fn name(&self) -> &'static str {
        "create"
    }

    fn is_create(&self) -> bool {
        true
    }
}

#[derive(Debug, Clone, PartialEq)]
struct CounterOpened;

impl DomainEvent for CounterOpened {
    fn event_type(&self) -> &'static str {
        "CounterOpened"
    }

    fn schema_version(&self) -> u32 {
        1
    }

    fn data(&self) -> Value {
        json!({})
    }

    fn starts_stream(&self) -> bool {
        true
    }

    fn decode(event_type: &str, schema_version: u32, _data: &Value) -> Result<Self, DecodeError> {
        match (event_type, schema_version) {
            ("CounterOpened", 1) => Ok(Self),
            _ => Err(DecodeError::UnknownEventType(event_type.to_owned())),
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum CounterError {
    #[error("no such counter")]
    NotFound,
    #[error("the counter is already open")]
    AlreadyOpen,
}

impl DomainError for CounterError {
    fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "counter_not_found",
            Self::AlreadyOpen => "counter_already_open",
        }
    }

    fn kind(&self) -> ErrorKind {
        match self {
            Self::NotFound => ErrorKind::NotFound,
            Self::AlreadyOpen => ErrorKind::Conflict,
        }
    }
}

impl Aggregate for Counter {
    const STREAM_TYPE: &'static str = "counter";
    const TOPIC_NAME: &'static str = "counters";
    type Command = CounterCommand;
    type Event = CounterOpened;
    type Error = CounterError;

    fn decide(&self, _command: &CounterCommand) -> Result<Vec<CounterOpened>, CounterError> {
        if self.opened {
            return Err(CounterError::AlreadyOpen);
        }
        Ok(vec![CounterOpened])
    }

    fn evolve(self, _event: &CounterOpened) -> Self {
        Self { opened: true }
    }

    fn exists(&self) -> bool {
        self.opened
    }

    fn not_found() -> CounterError {
        CounterError::NotFound
    }

    fn parse_command(name: &str, _body: Value) -> Result<CounterCommand, CommandParseError> {
        match name {
            "create" => Ok(CounterCommand::Open),
            _ => Err(CommandParseError::unknown_command(name)),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_toy_aggregate_mounted_beside_tasks_appends_to_its_own_topic() {
    let env = TestEnv::new();
    let application = CommandApi::builder(config(&env))
        .mount_with(command_api::registration::task())
        .mount::<Counter>()
        .build()
        .await
        .expect("the command API starts with two aggregates");
    let api = InProcess::run(application).await;
    let client = Client::new(&api.url);

    let opened = client
        .post("/v1/counters", Some(json!({})), &[("X-Tenant-Id", "acme")])
        .await;
    assert_eq!(opened.status, 201, "{opened:?}");
    let counter = opened.body["counter_id"].as_str().unwrap().to_owned();
    let again = client
        .post(
            "/v1/counters",
            Some(json!({ "counter_id": counter })),
            &[("X-Tenant-Id", "acme")],
        )
        .await;
    assert_eq!(again.status, 409, "{again:?}");
    assert_eq!(again.error_code(), "counter_already_open");
    let task = client
        .post(
            "/v1/tasks",
            Some(json!({ "title": "t" })),
            &[("X-Tenant-Id", "acme")],
        )
        .await;
    assert_eq!(task.status, 201, "{task:?}");

    let topic = format!("{}{}", env.topic_prefix, Counter::TOPIC_NAME);
    let records = read_all(&env.brokers, &topic);
    assert_eq!(records.len(), 1);
    let envelope = records[0].envelope();
    assert_eq!(envelope.event_type, "CounterOpened");
    assert_eq!(envelope.stream_type, "counter");
    assert_eq!(envelope.stream_id.to_string(), counter);
    assert_eq!(read_all(&env.brokers, &env.tasks_topic()).len(), 1);

    let document = client
        .raw(client.http().get(format!("{}/openapi.json", api.url)))
        .await;
    let paths = document.body["paths"].as_object().unwrap();
    assert!(paths.contains_key("/v1/counters"));
    assert!(paths.contains_key("/v1/counters/{id}/{command}"));
    assert!(paths.contains_key(&format!("/v1/{}", Task::TOPIC_NAME)));
    api.stop().await;
}
