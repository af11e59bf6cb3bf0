//! Checks an HTTP answer against a service's OpenAPI document: the error
//! shape on every refusal, a documented status for the operation, the
//! headers documented as required for it (`Allow` on a 405, `Retry-After`
//! on a 429 ...), and a body that fits the schema documented for that status
//! (so an error code that the document does not list for it fails).

use serde_json::Value;

/// What is wrong with the answer, if anything. `headers` are the names of
/// the answer's headers.
pub fn check_answer(
    document: &Value,
    method: &str,
    path: &str,
    status: u16,
    headers: &[String],
    body: &[u8],
) -> Result<(), String> {
    if status >= 500 {
        return Err(format!("{status}: a server error"));
    }
    let json: Option<Value> = serde_json::from_slice(body).ok();
    if status >= 400 {
        let shape_ok = json.as_ref().is_some_and(|json| {
            json["error"]["code"].is_string()
                && json["error"]["message"].is_string()
                && json["error"]["details"].is_object()
        });
        if !shape_ok {
            return Err(format!(
                "{status}: not the error shape: {}",
                String::from_utf8_lossy(body)
            ));
        }
    }
    let Some(template) = documented_path(document, path) else {
        // A path the document does not have (an unknown command, say) is
        // refused; a service may read the request before it finds out
        // (a malformed header or body can be what it answers first).
        return match status {
            400..=499 => Ok(()),
            _ => Err(format!("{status} on an undocumented path")),
        };
    };
    let Some(pointer) = response_pointer(document, &template, method, status) else {
        return Err(format!(
            "{status} is not documented for {method} {template}"
        ));
    };
    for required in required_headers(document, &pointer) {
        if !headers
            .iter()
            .any(|name| name.eq_ignore_ascii_case(&required))
        {
            return Err(format!("{status} without its required header {required}"));
        }
    }
    let Some(schema) = content_schema_pointer(document, &pointer) else {
        return Ok(());
    };
    let Some(json) = json else {
        return Err(format!("{status}: the body is not JSON"));
    };
    let validator = schemas::openapi::compile_in_place(document, &schema)?;
    let problems: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{status}: the body does not fit {schema}: {}: {json}",
            problems.join("; ")
        ))
    }
}

/// The document's path template that `path` (without its query) falls under.
pub fn documented_path(document: &Value, path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    let paths = document["paths"].as_object()?;
    let fits = |template: &str| {
        let parts: Vec<&str> = template.split('/').collect();
        parts.len() == segments.len()
            && parts.iter().zip(&segments).all(|(part, segment)| {
                if part.starts_with('{') {
                    !segment.is_empty()
                } else {
                    part == segment
                }
            })
    };
    // A literal path wins over a template (`/v1/tasks/x` vs `/v1/tasks/{id}`).
    paths
        .keys()
        .filter(|template| fits(template))
        .min_by_key(|template| template.matches('{').count())
        .cloned()
}

/// The pointer of the response documented for `status`, following a
/// `$ref` into `components.responses`. For a method the path does not
/// have, the statuses of its other operations stand in (that is where 405
/// is documented).
fn response_pointer(document: &Value, template: &str, method: &str, status: u16) -> Option<String> {
    let item = &document["paths"][template];
    let escaped = template.replace('~', "~0").replace('/', "~1");
    let method = method.to_ascii_lowercase();
    let methods: Vec<String> = if item[&method].is_object() {
        vec![method]
    } else {
        item.as_object()?.keys().cloned().collect()
    };
    for method in methods {
        let response = &item[&method]["responses"][status.to_string()];
        if let Some(target) = response["$ref"].as_str() {
            return Some(target.trim_start_matches('#').to_owned());
        }
        if response.is_object() {
            return Some(format!("/paths/{escaped}/{method}/responses/{status}"));
        }
    }
    None
}

/// The headers the response at `response` documents as required.
fn required_headers(document: &Value, response: &str) -> Vec<String> {
    let Some(headers) = document
        .pointer(response)
        .and_then(|response| response["headers"].as_object())
    else {
        return Vec::new();
    };
    headers
        .iter()
        .filter(|(_, header)| {
            let header = match header["$ref"].as_str() {
                Some(target) => document
                    .pointer(target.trim_start_matches('#'))
                    .unwrap_or(&Value::Null),
                None => header,
            };
            header["required"] == true
        })
        .map(|(name, _)| name.clone())
        .collect()
}

fn content_schema_pointer(document: &Value, response: &str) -> Option<String> {
    let content = document.pointer(response)?.get("content")?.as_object()?;
    let media = content
        .keys()
        .find(|media| media.as_str() == "application/json")?;
    Some(format!(
        "{response}/content/{}/schema",
        media.replace('/', "~1")
    ))
}
