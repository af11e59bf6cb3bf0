//! `GET /config.json`, and every other GET: a file of the build, or
//! `index.html` for the SPA's own paths (`/operations`).

use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, web};
use platform::http::endpoint;
use platform::{ApiError, ErrorCode};
use serde_json::json;

use crate::config::ApiUrls;
use crate::site::{File, Site};

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(endpoint("/config.json").get(config_json))
        .service(endpoint("/{path:.*}").get(page));
}

/// Where the page finds the APIs; read at every start of the page, never cached.
async fn config_json(api: web::Data<ApiUrls>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .json(json!({
            "command_api_url": api.command_api,
            "query_api_url": api.query_api,
            "projector_url": api.projector,
        }))
}

async fn page(request: HttpRequest, site: web::Data<Site>) -> Result<HttpResponse, ApiError> {
    let path = request.path();
    if let Some(file) = site.file(path) {
        return Ok(serve(file));
    }
    // A path that names a file (has an extension) and is not in the build is
    // a 404, not the page: a stale asset URL must not load HTML as a script.
    let last = path.rsplit('/').next().unwrap_or("");
    if last.contains('.') {
        return Err(ApiError::new(
            ErrorCode::RouteNotFound,
            format!("no file {path} in the console's build"),
        ));
    }
    Ok(serve(site.index()))
}

fn serve(file: &File) -> HttpResponse {
    let cache = if file.immutable {
        vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(31_536_000),
            CacheDirective::Extension("immutable".into(), None),
        ]
    } else {
        // index.html names the current assets: always ask again.
        vec![CacheDirective::NoCache]
    };
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, file.content_type))
        .insert_header(CacheControl(cache))
        .body(file.body.clone())
}
