//! A handful of commands that pass only if the restore was right: renames of
//! pre-filled streams conditional on their restored version, a stale
//! `If-Match` refused, a pre-filled `Idempotency-Key` refused with another
//! command on its task (the idempotency records were restored), and a fresh
//! create.

use anyhow::Context;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use super::prefill::{Prefilled, Stream};

/// Sends the checks to `url`; `start` (1, 2) names the renames' titles.
/// Each successful rename advances its sample's version.
pub async fn run(
    http: &reqwest::Client,
    url: &str,
    prefilled: &mut Prefilled,
    start: u32,
) -> anyhow::Result<()> {
    for sample in &mut prefilled.samples {
        let title = format!("renamed by start {start}");
        let (status, body) = rename(http, url, sample, sample.version, &title).await?;
        anyhow::ensure!(
            status == StatusCode::OK,
            "rename of {} with If-Match {} answered {status}: {body}",
            sample.id,
            sample.version
        );
        let version = body["version"]
            .as_u64()
            .context("a version in the answer")?;
        anyhow::ensure!(
            version == sample.version + 1,
            "rename of {} at version {} answered version {version}",
            sample.id,
            sample.version
        );
        sample.version = version;
    }

    let sample = &prefilled.samples[0];
    let (status, body) = rename(http, url, sample, sample.version - 1, "stale").await?;
    anyhow::ensure!(
        status == StatusCode::PRECONDITION_FAILED,
        "a stale If-Match on {} answered {status}: {body}",
        sample.id
    );

    let (key, tenant, stream_id) = &prefilled.used_key;
    let (status, body) = create(http, url, tenant, *stream_id, Some(key)).await?;
    anyhow::ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY,
        "the pre-filled Idempotency-Key {key} with another create of its task answered {status}: {body}"
    );

    let (status, body) = create(http, url, tenant, Uuid::now_v7(), None).await?;
    anyhow::ensure!(
        status == StatusCode::CREATED,
        "a create answered {status}: {body}"
    );
    Ok(())
}

async fn rename(
    http: &reqwest::Client,
    url: &str,
    stream: &Stream,
    expected_version: u64,
    title: &str,
) -> anyhow::Result<(StatusCode, Value)> {
    let request = http
        .post(format!("{url}/v1/tasks/{}/rename", stream.id))
        .header("authorization", crate::auth::bearer(&stream.tenant))
        .header("if-match", format!("\"{expected_version}\""))
        .json(&json!({ "title": title }));
    answer(request).await
}

async fn create(
    http: &reqwest::Client,
    url: &str,
    tenant: &str,
    task_id: Uuid,
    idempotency_key: Option<&str>,
) -> anyhow::Result<(StatusCode, Value)> {
    let mut request = http
        .post(format!("{url}/v1/tasks"))
        .header("authorization", crate::auth::bearer(tenant))
        .json(&json!({ "task_id": task_id, "title": "created after restore" }));
    if let Some(key) = idempotency_key {
        request = request.header("idempotency-key", key);
    }
    answer(request).await
}

async fn answer(request: reqwest::RequestBuilder) -> anyhow::Result<(StatusCode, Value)> {
    let response = request.send().await?;
    let status = response.status();
    let body = response.json().await.unwrap_or(Value::Null);
    Ok((status, body))
}
