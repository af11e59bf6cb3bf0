//! `GET /openapi.json`: the query API's contract (OpenAPI 3.1). Parameters
//! in `parameters`, bodies in `bodies`; the security scheme, the error
//! contract and the operational paths are the platform's.

mod bodies;
mod parameters;

use std::sync::LazyLock;

use actix_web::HttpResponse;
use platform::auth::SCOPE_QUERIES_READ;
use platform::openapi::{self as shared, error_response, guard_refusals, requires};
use serde_json::{Map, Value, json};

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(&*DOCUMENT)
}

/// The document the service serves.
pub fn openapi_document() -> &'static Value {
    &DOCUMENT
}

fn read_headers(with_etag: bool) -> Value {
    let mut headers = json!({
        "X-Projection-Version": { "required": true, "schema": { "type": "string", "pattern": "^[a-z_]+\\.v[0-9]+$", "examples": ["tasks.v2", "projects.v1"] },
            "description": "The projection version that served the request: of `tasks` for the task routes, of `projects` for the project routes. Each request reads one version for all its statements; after a rebuild or rollback switches versions, later requests read the new one." },
        "X-Consistency": { "schema": { "type": "string", "enum": ["consistent", "stale", "parked"] },
            "description": "Present when a consistency token was sent: consistent when the projection had applied it, stale when the wait ran out and the data may predate the write, parked when the event at the token could not be applied and waits for an operator (the data does not show it)." },
        "X-Request-Id": { "$ref": "#/components/headers/RequestId" }
    });
    if with_etag {
        headers["ETag"] = json!({ "required": true, "schema": { "type": "string", "pattern": "^\"[0-9]+\"$" }, "description": "\"<version>\"" });
    }
    headers
}

/// What a read of one resource answers when it has none.
#[derive(Clone, Copy)]
enum NotFound {
    /// A route that reads no one resource.
    Never,
    Task,
    Project,
}

/// The answers of a read: `success` plus the refusals every read can meet;
/// a 404 for the reads of one task or project.
fn responses(success: Value, not_found: NotFound) -> Value {
    let mut responses = Map::new();
    responses.insert("200".into(), success);
    responses.insert("400".into(), error_response(
        "Invalid, unknown or repeated parameter (details.parameter), a control character in a parameter, an invalid header (details.header, e.g. X-Tenant-Id or X-Consistency-Token), or a consistency token with a position outside this API's event topics, more than 64 positions, or a position waited for in a partition its topic lacks or beyond the partition's end; malformed_request when the request is not valid HTTP/1.1.",
        &["invalid_parameter", "invalid_header", "malformed_request"],
    ));
    let missing = match not_found {
        NotFound::Never => None,
        NotFound::Task => Some(("task", "task_not_found")),
        NotFound::Project => Some(("project", "project_not_found")),
    };
    if let Some((resource, code)) = missing {
        let mut response = error_response(
            &format!(
                "No such {resource} for this tenant (another tenant's {resource} is not found either). It still names the version read and, with a token, the consistency: a 404 that is `stale` may be a {resource} not projected yet."
            ),
            &[code],
        );
        response["headers"] = read_headers(false);
        responses.insert("404".into(), response);
    }
    let mut unavailable = error_response(
        "The read models are unavailable; retry.",
        &["database_unavailable"],
    );
    unavailable["headers"]["Retry-After"] = json!({ "$ref": "#/components/headers/RetryAfter" });
    responses.insert("503".into(), unavailable);
    for (status, response) in guard_refusals() {
        responses.insert(status.to_owned(), response);
    }
    Value::Object(responses)
}

fn success(description: &str, schema: &str, with_etag: bool) -> Value {
    json!({ "description": description, "headers": read_headers(with_etag),
            "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
}

fn read(operation_id: &str, summary: &str, mut own: Vec<Value>, responses: Value) -> Value {
    own.extend(parameters::common());
    json!({ "get": {
        "operationId": operation_id,
        "summary": summary,
        "tags": ["queries"],
        "security": requires(SCOPE_QUERIES_READ),
        "parameters": own,
        "responses": responses
    } })
}

static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    let mut paths = Map::new();
    let mut get_task = responses(success("The task", "Task", true), NotFound::Task);
    get_task["304"] = json!({ "description": "Not modified: the task is still at the version If-None-Match names.", "headers": read_headers(true) });
    paths.insert("/v1/tasks/{id}".into(), read(
        "getTask",
        "One task",
        vec![
            parameters::task_id(),
            json!({ "name": "If-None-Match", "in": "header", "required": false, "schema": { "type": "string" },
                    "description": "ETags from an earlier read, comma-separated; 304 when the task is still at one of those versions (or `*`)." }),
        ],
        get_task,
    ));
    let mut list_parameters = parameters::list_filters();
    list_parameters.extend([parameters::cursor(), parameters::limit()]);
    paths.insert("/v1/tasks".into(), read(
        "listTasks",
        "The tenant's tasks, filtered, in keyset pages",
        list_parameters,
        responses(success("A page; next_cursor is null on the last one. Every task present when paging starts appears exactly once.", "TaskPage", false), NotFound::Never),
    ));
    paths.insert(
        "/v1/tasks/{id}/history".into(),
        read(
            "getTaskHistory",
            "The task's events (audit trail), oldest first, in pages",
            vec![
                parameters::task_id(),
                parameters::cursor(),
                parameters::limit(),
            ],
            responses(
                success("A page of events", "HistoryPage", false),
                NotFound::Task,
            ),
        ),
    );
    paths.insert(
        "/v1/stats/tasks".into(),
        read(
            "getTaskStats",
            "The tenant's tasks by status, and completions per UTC day",
            parameters::stats_range(),
            responses(
                success("The tenant's statistics", "Stats", false),
                NotFound::Never,
            ),
        ),
    );
    paths.insert(
        "/v1/projects/{id}".into(),
        read(
            "getProject",
            "One project, with its tasks counted by status",
            vec![parameters::project_id()],
            responses(
                success(
                    "The project; task_counts counts the tasks of the project's tenant that are in it now, for every status.",
                    "ProjectWithTaskCounts",
                    false,
                ),
                NotFound::Project,
            ),
        ),
    );
    let mut list_parameters = parameters::project_filters();
    list_parameters.extend([parameters::cursor(), parameters::limit()]);
    paths.insert("/v1/projects".into(), read(
        "listProjects",
        "The tenant's projects, newest first, in keyset pages",
        list_parameters,
        responses(success("A page; next_cursor is null on the last one. Every project present when paging starts appears exactly once.", "ProjectPage", false), NotFound::Never),
    ));
    paths.insert(
        "/v1/projects/{id}/history".into(),
        read(
            "getProjectHistory",
            "The project's events (audit trail), oldest first, in pages",
            vec![
                parameters::project_id(),
                parameters::cursor(),
                parameters::limit(),
            ],
            responses(
                success("A page of events", "ProjectHistoryPage", false),
                NotFound::Project,
            ),
        ),
    );
    paths.insert("/healthz".into(), shared::liveness_path());
    paths.insert(
        "/readyz".into(),
        shared::readiness_path("PostgreSQL answers and the checkpoint listener is connected"),
    );
    paths.insert("/metrics".into(), shared::metrics_path());
    paths.insert("/openapi.json".into(), shared::openapi_path());

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Query API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": concat!(
                "Reads the task and project read models, scoped to the token's tenant, with read-your-writes through the command API's position tokens ",
                "(one position, or the positions of several commands joined with commas). ",
                "Every read needs a bearer JWT with the scope `queries:read`. Errors use the platform's shape `{ \"error\": { \"code\", \"message\", \"details\" } }`; ",
                "invalid parameters are 400 invalid_parameter with details.parameter naming them, and unknown parameters are refused."
            )
        },
        "tags": [
            { "name": "queries", "description": "Reads (scope queries:read)." },
            { "name": "operations", "description": "Open operational endpoints." }
        ],
        "security": requires(SCOPE_QUERIES_READ),
        "paths": paths,
        "components": shared::components(bodies::schemas()),
    })
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_valid_openapi_3_1_and_every_ref_resolves() {
        if let Err(problems) = schemas::openapi::check_document(openapi_document()) {
            panic!("{} problems:\n{}", problems.len(), problems.join("\n"));
        }
    }

    #[test]
    fn every_path_parameter_is_required() {
        for (path, item) in openapi_document()["paths"].as_object().unwrap() {
            for parameter in item["get"]["parameters"].as_array().into_iter().flatten() {
                if parameter["in"] == "path" {
                    assert_eq!(parameter["required"], true, "{path}: {parameter}");
                }
            }
        }
    }

    #[test]
    fn every_read_documents_the_refusals_of_the_guard() {
        for (path, item) in openapi_document()["paths"].as_object().unwrap() {
            if !path.starts_with("/v1/") {
                continue;
            }
            let operation = &item["get"];
            assert_eq!(
                operation["security"],
                requires(SCOPE_QUERIES_READ),
                "{path}"
            );
            for status in ["400", "401", "403", "405", "429", "503"] {
                assert!(
                    operation["responses"][status].is_object(),
                    "{path} {status}"
                );
            }
        }
    }

    #[test]
    fn the_project_routes_are_documented_with_their_404() {
        let paths = &openapi_document()["paths"];
        for (path, not_found) in [
            ("/v1/projects/{id}", Some("project_not_found")),
            ("/v1/projects/{id}/history", Some("project_not_found")),
            ("/v1/projects", None),
            ("/v1/tasks/{id}", Some("task_not_found")),
        ] {
            let responses = &paths[path]["get"]["responses"];
            assert!(responses["200"].is_object(), "{path}");
            match not_found {
                Some(code) => assert!(
                    responses["404"].to_string().contains(code),
                    "{path}: {}",
                    responses["404"]
                ),
                None => assert!(responses["404"].is_null(), "{path}"),
            }
        }
        let schemas = &openapi_document()["components"]["schemas"];
        let counts = &schemas["ProjectWithTaskCounts"]["properties"]["task_counts"];
        assert_eq!(counts["required"], json!(["open", "completed", "archived"]));
        assert_eq!(
            schemas["Project"]["properties"]["status"]["enum"],
            json!(["active", "archived"])
        );
    }

    #[test]
    fn the_token_pattern_takes_one_position_or_several() {
        let pattern = matcher(parameters::token_pattern());
        for token in [
            "",
            "events.tasks:0:5",
            " events.tasks:0:5 ",
            "events.projects:0:5,events.tasks:3:12",
            "events.projects:0:5 , events.tasks:3:12",
        ] {
            assert!(pattern(token), "{token:?}");
        }
        for token in [
            "events.tasks",
            "events.tasks:0:5,",
            ",events.tasks:0:5",
            "a:0:x",
        ] {
            assert!(!pattern(token), "{token:?}");
        }
    }

    /// The documented pattern, through the validator the document's checks use.
    fn matcher(pattern: String) -> impl Fn(&str) -> bool {
        let document = json!({ "schema": { "type": "string", "pattern": pattern } });
        let validator = schemas::openapi::compile_in_place(&document, "/schema").unwrap();
        move |text: &str| validator.is_valid(&json!(text))
    }
}
