//! `GET /v1/tasks/{id}` and `GET /v1/tasks`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use events::task::{Priority, TaskStatus, rules};
use platform::ApiError;
use serde_json::json;
use uuid::Uuid;

use super::cursor::TaskCursor;
use super::params::{Params, invalid};
use super::tenant::tenant_of;
use super::{AppState, error_with_read_headers, page, parse_id, task_not_found, with_read_headers};
use crate::consistency::request::{TIMEOUT_PARAMETER, TOKEN_PARAMETER};
use crate::read_model::TasksModel;
use crate::store::{self, database_error};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;
pub const MAX_QUERY_CHARS: usize = 200;

pub async fn get(
    request: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(
        request.query_string(),
        &[TOKEN_PARAMETER, TIMEOUT_PARAMETER],
    )?;
    let task_id = parse_id(&path)?;
    let tenant = tenant_of(&request)?;
    let consistency = state.consistency_of(&request, &params)?;
    let model: TasksModel = state.read_model().await?;
    let outcome = state.wait(&consistency, &model).await?;

    let Some(task) = store::tasks::get(&state.pool, &model.tables, &tenant, task_id)
        .await
        .map_err(database_error)?
    else {
        return Ok(error_with_read_headers(
            task_not_found(task_id),
            &model,
            outcome,
        ));
    };
    let not_modified = if_none_match(&request, task.version);
    let mut response = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response.insert_header((header::ETAG, format!("\"{}\"", task.version)));
    with_read_headers(&mut response, &model, outcome);
    Ok(if not_modified {
        response.finish()
    } else {
        response.json(task)
    })
}

/// True when `If-None-Match` lists the current version (or `*`).
fn if_none_match(request: &HttpRequest, version: i64) -> bool {
    let Some(value) = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    value.split(',').map(str::trim).any(|tag| {
        let tag = tag.strip_prefix("W/").unwrap_or(tag);
        tag == "*"
            || tag
                .trim_matches('"')
                .parse::<i64>()
                .is_ok_and(|tagged| tagged == version)
    })
}

const LIST_PARAMETERS: &[&str] = &[
    "status",
    "priority",
    "assignee",
    "project_id",
    "tag",
    "due_before",
    "due_after",
    "q",
    "sort",
    "cursor",
    "limit",
    TOKEN_PARAMETER,
    TIMEOUT_PARAMETER,
];

pub async fn list(
    request: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(request.query_string(), LIST_PARAMETERS)?;
    let tenant = tenant_of(&request)?;
    let filter = store::tasks::TaskFilter {
        tenant_id: tenant,
        statuses: one_of(&params, "status", &TaskStatus::ALL.map(TaskStatus::as_str))?,
        priorities: one_of(&params, "priority", &Priority::ALL.map(Priority::as_str))?,
        assignee: bounded(&params, "assignee", rules::ASSIGNEE_MAX_CHARS)?,
        project_id: project_id(&params)?,
        tags: tags(&params)?,
        due_before: date(&params, "due_before")?,
        due_after: date(&params, "due_after")?,
        title_query: title_query(&params)?,
    };
    let descending = match params.single("sort")? {
        None | Some("-created_at") => true,
        Some("created_at") => false,
        Some(other) => {
            return Err(invalid(
                "sort",
                format!("sort must be created_at or -created_at; got {other:?}"),
            ));
        }
    };
    let after = match params.single("cursor")? {
        None => None,
        Some(text) => {
            let cursor = TaskCursor::decode(text)?;
            if cursor.descending != descending {
                return Err(invalid(
                    "cursor",
                    "the cursor belongs to the other sort order",
                ));
            }
            Some((cursor.created_at, cursor.task_id))
        }
    };
    let limit = params.limit(DEFAULT_LIMIT, MAX_LIMIT)?;
    let consistency = state.consistency_of(&request, &params)?;
    let model: TasksModel = state.read_model().await?;
    let outcome = state.wait(&consistency, &model).await?;

    let page = store::tasks::PageRequest {
        after,
        descending,
        limit,
    };
    let mut items = store::tasks::list(&state.pool, &model.tables, &filter, &page)
        .await
        .map_err(database_error)?;
    let next_cursor = page::cut(&mut items, limit, |last| {
        TaskCursor {
            created_at: last.created_at,
            task_id: last.task_id,
            descending,
        }
        .encode()
    });
    let mut response = HttpResponse::Ok();
    with_read_headers(&mut response, &model, outcome);
    Ok(response.json(json!({ "items": items, "next_cursor": next_cursor, "limit": limit })))
}

/// Comma-separated or repeated values, each one of `allowed`.
fn one_of(params: &Params, name: &str, allowed: &[&str]) -> Result<Vec<String>, ApiError> {
    let values = params.list(name);
    if let Some(bad) = values
        .iter()
        .find(|value| !allowed.contains(&value.as_str()))
    {
        return Err(invalid(
            name,
            format!("{name} must be one of {}; got {bad:?}", allowed.join(", ")),
        ));
    }
    Ok(values)
}

fn bounded(params: &Params, name: &str, max_chars: usize) -> Result<Option<String>, ApiError> {
    match params.single(name)? {
        Some(value) if value.chars().count() > max_chars => Err(invalid(
            name,
            format!("{name} must be at most {max_chars} characters"),
        )),
        value => Ok(value.map(str::to_owned)),
    }
}

fn tags(params: &Params) -> Result<Vec<String>, ApiError> {
    let tags: Vec<String> = params
        .repeated("tag")
        .into_iter()
        .map(|tag| tag.trim().to_owned())
        .collect();
    if tags.len() > rules::MAX_TAGS {
        return Err(invalid("tag", format!("at most {} tags", rules::MAX_TAGS)));
    }
    if tags
        .iter()
        .any(|tag| tag.is_empty() || tag.chars().count() > rules::TAG_MAX_CHARS)
    {
        return Err(invalid(
            "tag",
            format!("each tag must be 1 to {} characters", rules::TAG_MAX_CHARS),
        ));
    }
    Ok(tags)
}

fn project_id(params: &Params) -> Result<Option<Uuid>, ApiError> {
    params
        .single("project_id")?
        .map(|text| {
            Uuid::parse_str(text).map_err(|_| {
                invalid(
                    "project_id",
                    format!("project_id must be a UUID; got {text:?}"),
                )
            })
        })
        .transpose()
}

fn date(params: &Params, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    params
        .single(name)?
        .map(|text| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                invalid(
                    name,
                    format!("{name} must be a date YYYY-MM-DD; got {text:?}"),
                )
            })
        })
        .transpose()
}

/// `q`: tasks whose title has, for each word of `q`, a word starting with it.
/// Only letters and digits reach the tsquery, so `q` cannot inject syntax.
fn title_query(params: &Params) -> Result<Option<String>, ApiError> {
    let Some(q) = params.single("q")? else {
        return Ok(None);
    };
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(invalid(
            "q",
            format!("q must be at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| format!("{}:*", word.to_lowercase()))
        .collect();
    if words.is_empty() {
        return Err(invalid("q", "q must contain a letter or a digit"));
    }
    Ok(Some(words.join(" & ")))
}
