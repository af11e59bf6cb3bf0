//! The command API with the schema registry users deploy (Apicurio Registry
//! through its Confluent-compatible API, the process `scripts/infra.sh`
//! starts, the version docker-compose.kafka.yml ships) and the real Kafka:
//! registration, the wire format, restore from framed values, refusal of a
//! BACKWARD-incompatible schema, the projector over both encodings, and the
//! example analytics consumer.
//!
//! Needs SCHEMA_REGISTRY_URL: run through `scripts/test.sh --test schema_registry`.

use std::collections::HashMap;
use std::time::Duration;

use analytics_consumer::{DecodedEvent, Settings, Summary, Validation};
use command_api::StartError;
use command_api::schema_registry::subject_name;
use serde_json::{Value, json};
use tests::TestEnv;
use tests::command_api::{Client, InProcess};
use tests::kafka::{ReadRecord, read_all};
use tests::read_side::database::{TestDatabase, caught_up};
use tests::read_side::eventually;
use tests::read_side::model::{actual, assert_same, end_offsets, expected};
use tests::read_side::services::{InProcess as ReadSideService, PROJECTION, projector_config};
use tests::schema_registry::{
    RegistryApi, command_api_config, pinned_apicurio_version, registry_url, repo_file,
};
use uuid::Uuid;

const FRAMED_CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";

/// Creates a task and runs every command on it: one event of each current type.
async fn every_event_type(client: &Client) -> Uuid {
    let task = client.create_task("Registry").await;
    let steps: [(&str, Option<Value>); 11] = [
        ("rename", Some(json!({ "title": "Registered" }))),
        (
            "change-description",
            Some(json!({ "description": "framed" })),
        ),
        ("change-priority", Some(json!({ "priority": "high" }))),
        ("reschedule", Some(json!({ "due_date": "2030-01-31" }))),
        ("assign", Some(json!({ "assignee": "ada" }))),
        ("unassign", None),
        ("add-tag", Some(json!({ "tag": "schemas" }))),
        ("remove-tag", Some(json!({ "tag": "schemas" }))),
        ("complete", None),
        ("reopen", None),
        ("archive", None),
    ];
    for (command, body) in steps {
        let reply = client.command(task, command, body, &[]).await;
        assert_eq!(reply.status, 200, "{command}: {reply:?}");
    }
    task
}

/// Creates a project and runs every command on it: one event of each type.
async fn every_project_event_type(client: &Client) {
    let created = client
        .post("/v1/projects", Some(json!({ "name": "Registry" })), &[])
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    let project = created.body["project_id"].as_str().unwrap().to_owned();
    let steps: [(&str, Option<Value>); 5] = [
        ("rename", Some(json!({ "name": "Registered" }))),
        ("add-member", Some(json!({ "member": "ada" }))),
        ("remove-member", Some(json!({ "member": "ada" }))),
        ("archive", None),
        ("restore", None),
    ];
    for (command, body) in steps {
        let reply = client
            .post(&format!("/v1/projects/{project}/{command}"), body, &[])
            .await;
        assert_eq!(reply.status, 200, "{command}: {reply:?}");
    }
}

fn event_schema_of(envelope: &Value) -> &'static schemas::EventSchema {
    let stream_type = envelope["stream_type"].as_str().unwrap();
    let event_type = envelope["event_type"].as_str().unwrap();
    let version = envelope["schema_version"].as_u64().unwrap() as u32;
    schemas::find(stream_type, event_type, version).expect("a known event type and version")
}

/// One registry behaviour is tested, and it is the one users deploy: the
/// registry these tests talk to is the Apicurio release the compose file ships.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tests_run_the_registry_the_compose_file_ships() {
    let pinned = pinned_apicurio_version();
    let compose = repo_file("docker-compose.kafka.yml");
    let image = format!("image: apicurio/apicurio-registry:{pinned}\n");
    assert!(
        compose.contains(&image),
        "docker-compose.kafka.yml must ship `{}`",
        image.trim()
    );

    let (name, version) = RegistryApi::local().system_info().await;
    assert!(name.starts_with("Apicurio Registry"), "{name}");
    assert_eq!(version, pinned, "the registry at {}", registry_url());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_every_subject_and_frames_every_value_with_its_schema_id() {
    let env = TestEnv::new();
    let registry = RegistryApi::local();
    let api = InProcess::start_with(command_api_config(&env)).await;
    let client = Client::new(&api.url);
    every_event_type(&client).await;
    every_project_event_type(&client).await;
    api.stop().await;

    let projects_topic = format!("{}projects", env.topic_prefix);
    let subjects = registry.subjects().await;
    for (topic, stream_type, events) in [
        (env.tasks_topic(), "task", 12),
        (projects_topic, "project", 6),
    ] {
        let mut registered = 0;
        for schema in schemas::of_stream_type(stream_type) {
            let subject = subject_name(&topic, schema);
            assert!(subjects.contains(&subject), "{subject} not registered");
            assert_eq!(registry.compatibility(&subject).await, "BACKWARD");
            registered += 1;
        }
        assert!(registered > 0, "{stream_type} has schemas");

        let records = read_all(&env.brokers, &topic);
        assert_eq!(records.len(), events, "{topic}");
        for record in &records {
            assert_eq!(record.payload[0], 0, "the magic byte starts the value");
            assert_eq!(record.headers["content-type"], FRAMED_CONTENT_TYPE);
            let id = record.schema_id().expect("a framed value");
            let envelope = record.json();
            assert_eq!(envelope["stream_type"], stream_type, "{topic}");
            let event_schema = event_schema_of(&envelope);

            let stored = registry.schema_by_id(id).await.expect("the id resolves");
            assert_eq!(stored.schema_type, "JSON");
            assert_eq!(stored.schema, schemas::registry_schema(event_schema));
            assert_eq!(
                registry
                    .latest_id(&subject_name(&topic, event_schema))
                    .await,
                id,
                "the id is the latest version of the event's subject"
            );
            // As a validating consumer would: in the dialect the schema declares.
            let validator = jsonschema::validator_for(&stored.schema).expect("schema compiles");
            let errors: Vec<String> = validator
                .iter_errors(&envelope)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{envelope}: {errors:?}");
            assert_eq!(schemas::validate_envelope(&envelope), Ok(()));
        }
    }
}

/// A topic written before the registry was configured (plain JSON) and after
/// (framed): writers restore from both, and a restart with the registry
/// re-registers idempotently (same ids).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_restores_state_from_plain_and_framed_records() {
    let env = TestEnv::new();

    let api = InProcess::start(&env).await;
    let client = Client::new(&api.url);
    let mut tasks = Vec::new();
    for i in 0..6 {
        tasks.push(client.create_task(&format!("plain {i}")).await);
    }
    api.stop().await;

    let api = InProcess::start_with(command_api_config(&env)).await;
    let client = Client::new(&api.url);
    for task in &tasks {
        let completed = client.command(*task, "complete", None, &[]).await;
        assert_eq!((completed.status, completed.version()), (200, 2));
    }
    api.stop().await;

    let api = InProcess::start_with(command_api_config(&env)).await;
    let client = Client::new(&api.url);
    for task in &tasks {
        let again = client.command(*task, "complete", None, &[]).await;
        assert_eq!(
            (again.status, again.error_code()),
            (409, "task_already_completed")
        );
        let reopened = client
            .command(*task, "reopen", None, &[("If-Match", "\"2\"")])
            .await;
        assert_eq!((reopened.status, reopened.version()), (200, 3));
    }
    api.stop().await;

    let records = read_all(&env.brokers, &env.tasks_topic());
    let completed_ids: Vec<Option<u32>> = records
        .iter()
        .filter(|record| record.envelope().event_type == "TaskCompleted")
        .map(ReadRecord::schema_id)
        .collect();
    assert!(
        completed_ids
            .iter()
            .all(|id| id.is_some() && *id == completed_ids[0])
    );
    for task in &tasks {
        let mut stream: Vec<(u64, Option<u32>)> = records
            .iter()
            .filter(|record| record.envelope().stream_id == *task)
            .map(|record| (record.envelope().version, record.schema_id()))
            .collect();
        stream.sort();
        let framing: Vec<(u64, bool)> = stream
            .iter()
            .map(|(version, id)| (*version, id.is_some()))
            .collect();
        assert_eq!(framing, vec![(1, false), (2, true), (3, true)]);
    }
}

/// The schema of TaskRenamed v1 in the registry lacks `title`; this build's
/// requires it: records written under the registered version could not be
/// read with the new one, so the command API must not start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backward_incompatible_schema_change_is_refused_at_start() {
    let env = TestEnv::new();
    let registry = RegistryApi::local();
    let topic = env.tasks_topic();
    let renamed = schemas::find("task", "TaskRenamed", 1).unwrap();
    let subject = subject_name(&topic, renamed);

    let mut registered = schemas::registry_schema(renamed);
    registered["properties"]["data"]["properties"] = json!({ "name": { "type": "string" } });
    registered["properties"]["data"]["required"] = json!(["name"]);
    registry.register(&subject, &registered).await;

    let error = match command_api::Application::build(command_api_config(&env)).await {
        Ok(_) => panic!("the command API started with a BACKWARD-incompatible schema"),
        Err(error) => error,
    };
    let message = error.to_string();
    eprintln!("refused as expected: {message}");
    match error {
        StartError::IncompatibleSchema {
            subject: refused,
            reason,
        } => {
            assert_eq!(refused, subject);
            // The registry's own words (Apicurio names the JSON pointer of
            // each incompatible change), not a placeholder.
            assert!(
                reason.contains("/properties/data"),
                "the registry's reason: {reason}"
            );
        }
        other => panic!("expected IncompatibleSchema, got: {other}"),
    }
    assert!(
        message.contains(&subject) && message.contains("BACKWARD"),
        "{message}"
    );

    // Every subject is checked before any is registered.
    assert_eq!(registry.versions(&subject).await, vec![1]);
    for schema in schemas::all().iter().filter(|schema| *schema != renamed) {
        let other = subject_name(&topic, schema);
        assert!(registry.versions(&other).await.is_empty(), "{other}");
    }
}

/// The example consumer reads the topic from the beginning with its own group
/// and decodes every event: framed ones validated with the schema their id
/// names in the registry, plain JSON ones parsed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_analytics_consumer_decodes_every_event_via_the_registry() {
    let env = TestEnv::new();
    let api = InProcess::start(&env).await;
    Client::new(&api.url)
        .create_task("before the registry")
        .await;
    api.stop().await;
    let api = InProcess::start_with(command_api_config(&env)).await;
    every_event_type(&Client::new(&api.url)).await;
    api.stop().await;

    let records = read_all(&env.brokers, &env.tasks_topic());
    let expected_ids: HashMap<String, Option<u32>> = records
        .iter()
        .map(|record| (record.envelope().event_id.to_string(), record.schema_id()))
        .collect();

    let settings = Settings {
        brokers: env.brokers.clone(),
        topic: env.tasks_topic(),
        group_id: format!("{}analytics", env.topic_prefix),
        registry_url: Some(registry_url()),
        exit_at_end: true,
    };
    let (summary, decoded) = tokio::task::spawn_blocking(move || {
        let mut decoded: Vec<DecodedEvent> = Vec::new();
        let summary = analytics_consumer::run(&settings, |position, result| match result {
            Ok(event) => decoded.push(event.clone()),
            Err(error) => panic!("{position:?}: {error}"),
        })
        .expect("the consumer runs to the end of the topic");
        (summary, decoded)
    })
    .await
    .unwrap();

    assert_eq!(
        summary,
        Summary {
            events: 13,
            undecodable: 0
        }
    );
    for event in &decoded {
        let event_id = event.envelope["event_id"].as_str().unwrap();
        let expected = match expected_ids[event_id] {
            Some(schema_id) => Validation::Validated { schema_id },
            None => Validation::PlainJson,
        };
        assert_eq!(event.validation, expected, "{event}");
        assert_eq!(event.stream_type, "task");
    }
    let plain = decoded
        .iter()
        .filter(|event| event.validation == Validation::PlainJson)
        .count();
    assert_eq!(plain, 1);
}

/// The projector reads framed and plain values alike, without a registry of
/// its own: the read models equal what the log says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_projector_projects_framed_and_plain_records_alike() {
    let env = TestEnv::new();
    let database = TestDatabase::create().await;
    let api = InProcess::start(&env).await;
    let plain_task = Client::new(&api.url)
        .create_task("written as plain JSON")
        .await;
    api.stop().await;
    let api = InProcess::start_with(command_api_config(&env)).await;
    let client = Client::new(&api.url);
    let completed = client.command(plain_task, "complete", None, &[]).await;
    assert_eq!(completed.status, 200, "{completed:?}");
    every_event_type(&client).await;
    api.stop().await;

    let records = read_all(&env.brokers, &env.tasks_topic());
    assert_eq!(
        records.iter().filter(|r| r.schema_id().is_none()).count(),
        1
    );
    let projector = ReadSideService::projector(projector_config(&env, &database)).await;
    let pool = database.pool().await;
    let (ends, topic) = (end_offsets(&records), env.tasks_topic());
    eventually(
        Duration::from_secs(60),
        "the projection applies every record",
        || caught_up(&pool, PROJECTION, &topic, &ends),
    )
    .await;
    assert_same(&actual(&pool).await, &expected(&records));

    projector.stop().await;
    pool.close().await;
    database.drop_database().await;
}
