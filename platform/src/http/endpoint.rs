//! Registering a path with the methods it answers, so that every other
//! method gets 405 `method_not_allowed` with `Allow`.

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::{Method, header};
use actix_web::{
    FromRequest, Handler, HttpRequest, HttpResponse, Resource, Responder, ResponseError, web,
};
use serde_json::json;

use crate::error::{ApiError, ErrorCode};

/// A path and the handler of each method it answers:
/// `config.service(endpoint("/v1/tasks").get(list).post(create))`.
pub fn endpoint(path: &str) -> Endpoint {
    Endpoint {
        path: path.to_owned(),
        resource: web::resource(path),
        methods: Vec::new(),
    }
}

pub struct Endpoint {
    path: String,
    resource: Resource,
    methods: Vec<Method>,
}

impl Endpoint {
    pub fn get<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::GET, handler)
    }

    pub fn post<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::POST, handler)
    }

    pub fn method<F, Args>(mut self, method: Method, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.resource = self.resource.route(web::method(method.clone()).to(handler));
        self.methods.push(method);
        self
    }
}

impl HttpServiceFactory for Endpoint {
    fn register(self, config: &mut AppService) {
        let allow: Vec<String> = self.methods.iter().map(ToString::to_string).collect();
        let path = self.path;
        self.resource
            .default_service(web::to(move |request: HttpRequest| {
                let answer = method_not_allowed(&request, &path, &allow);
                async move { answer }
            }))
            .register(config)
    }
}

fn method_not_allowed(request: &HttpRequest, path: &str, allow: &[String]) -> HttpResponse {
    let allowed = allow.join(", ");
    let mut response = ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!(
            "{} is not allowed on {path}; allowed: {allowed}",
            request.method()
        ),
    )
    .with_details(json!({ "allowed": allow }))
    .error_response();
    if let Ok(value) = header::HeaderValue::from_str(&allowed) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use actix_web::{App, test};

    use super::*;

    async fn ok() -> HttpResponse {
        HttpResponse::Ok().finish()
    }

    #[actix_web::test]
    async fn other_methods_get_405_with_allow() {
        let app =
            test::init_service(App::new().service(endpoint("/things/{id}").get(ok).post(ok))).await;
        let request = test::TestRequest::delete().uri("/things/1").to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), 405);
        assert_eq!(response.headers().get("allow").unwrap(), "GET, POST");
        let body: serde_json::Value = test::read_body_json(response).await;
        assert_eq!(body["error"]["code"], "method_not_allowed");
        assert_eq!(body["error"]["details"]["allowed"], json!(["GET", "POST"]));

        let request = test::TestRequest::get().uri("/things/1").to_request();
        assert_eq!(test::call_service(&app, request).await.status(), 200);
    }
}
