//! Requests per tenant and route class, as token buckets (`governor`),
//! counted in this instance.

use std::num::NonZeroU32;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{Error, HttpMessage, ResponseError};
use futures::future::{LocalBoxFuture, Ready, ready};
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde_json::json;

use crate::auth::Principal;
use crate::config::{RateLimitSettings, RouteClass};
use crate::error::{ApiError, ErrorCode};

/// How often buckets that are full again (tenants idle long enough) are
/// forgotten, so that the memory follows the active tenants.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// One token bucket per tenant for one route class.
pub struct TenantBuckets {
    class: RouteClass,
    settings: RateLimitSettings,
    limiter: DefaultKeyedRateLimiter<String>,
    created: Instant,
    last_sweep_seconds: AtomicU64,
}

impl TenantBuckets {
    /// `None` when the settings turn the limit off.
    pub fn new(class: RouteClass, settings: RateLimitSettings) -> Option<Self> {
        let per_second = NonZeroU32::new(settings.per_second)?;
        let burst = NonZeroU32::new(settings.burst).unwrap_or(per_second);
        Some(Self {
            class,
            settings,
            limiter: RateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst)),
            created: Instant::now(),
            last_sweep_seconds: AtomicU64::new(0),
        })
    }

    /// Takes a token of `tenant`'s bucket, or says how long until one is there.
    #[allow(clippy::ptr_arg)] // the keyed limiter looks keys up by their own type
    pub fn take(&self, tenant: &String) -> Result<(), Duration> {
        self.sweep_now_and_then();
        self.limiter
            .check_key(tenant)
            .map_err(|not_until| not_until.wait_time_from(self.limiter.clock().now()))
    }

    fn sweep_now_and_then(&self) {
        let now = self.created.elapsed().as_secs();
        let last = self.last_sweep_seconds.load(Ordering::Relaxed);
        if now < last + SWEEP_EVERY.as_secs() {
            return;
        }
        let claimed = self
            .last_sweep_seconds
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok();
        if claimed {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
    }

    fn refusal(&self, tenant: &str, wait: Duration) -> actix_web::HttpResponse {
        // Whole seconds, rounded up, at least 1: a client that waits as
        // long as told finds a token.
        let retry_after = wait.as_secs_f64().ceil().max(1.0) as u64;
        let mut response = ApiError::new(
            ErrorCode::RateLimited,
            format!(
                "tenant {tenant:?} exceeded its limit of {} {} per second (burst {}); retry in {retry_after} s",
                self.settings.per_second,
                self.class.name(),
                self.settings.burst,
            ),
        )
        .with_details(json!({
            "route_class": self.class.name(),
            "limit_per_second": self.settings.per_second,
            "burst": self.settings.burst,
            "retry_after_seconds": retry_after,
        }))
        .error_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        response
    }
}

/// Middleware: limits each tenant's requests of one route class, answering
/// 429 `rate_limited` with `Retry-After` over the limit. The tenant is the
/// request's [`Principal`] (set by the authentication middleware, which must
/// run before this one); requests without one (the open operational
/// endpoints) are not limited. Build it once per service, outside the app
/// factory, so that every worker counts in the same buckets.
#[derive(Clone)]
pub struct RateLimit {
    buckets: Option<Arc<TenantBuckets>>,
}

impl RateLimit {
    pub fn new(class: RouteClass, settings: RateLimitSettings) -> Self {
        Self {
            buckets: TenantBuckets::new(class, settings).map(Arc::new),
        }
    }
}

impl<S, B> Transform<S, ServiceRequest> for RateLimit
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = RateLimitService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RateLimitService {
            service: Rc::new(service),
            buckets: self.buckets.clone(),
        }))
    }
}

pub struct RateLimitService<S> {
    service: Rc<S>,
    buckets: Option<Arc<TenantBuckets>>,
}

impl<S, B> Service<ServiceRequest> for RateLimitService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let refusal = self.buckets.as_ref().and_then(|buckets| {
            let extensions = request.extensions();
            let tenant = &extensions.get::<Principal>()?.tenant;
            let wait = buckets.take(tenant).err()?;
            metrics::counter!("http_rate_limited_total", "route_class" => buckets.class.name())
                .increment(1);
            Some(buckets.refusal(tenant, wait))
        });
        if let Some(refusal) = refusal {
            return Box::pin(ready(Ok(request
                .into_response(refusal)
                .map_into_right_body())));
        }
        let call = self.service.call(request);
        Box::pin(async move { Ok(call.await?.map_into_left_body()) })
    }
}

#[cfg(test)]
mod tests {
    use actix_web::dev::Service as _;
    use actix_web::test as actix_test;
    use actix_web::{App, HttpResponse, web};

    use super::*;

    fn principal(tenant: &str) -> Principal {
        Principal {
            subject: "ada".into(),
            tenant: tenant.into(),
            scopes: Vec::new(),
        }
    }

    #[actix_web::test]
    async fn a_tenant_over_its_burst_waits_and_others_do_not() {
        let limit = RateLimit::new(
            RouteClass::Commands,
            RateLimitSettings {
                per_second: 1,
                burst: 2,
            },
        );
        let app = actix_test::init_service(
            App::new()
                .wrap(limit)
                .route("/", web::get().to(|| async { HttpResponse::Ok().finish() })),
        )
        .await;
        let call = |tenant: Option<&str>| {
            let request = actix_test::TestRequest::get().uri("/").to_request();
            if let Some(tenant) = tenant {
                request.extensions_mut().insert(principal(tenant));
            }
            app.call(request)
        };
        assert_eq!(call(Some("a")).await.unwrap().status(), 200);
        assert_eq!(call(Some("a")).await.unwrap().status(), 200);
        let refused = call(Some("a")).await.unwrap();
        assert_eq!(refused.status(), 429);
        assert_eq!(refused.headers().get("retry-after").unwrap(), "1");
        let body: serde_json::Value = actix_test::read_body_json(refused).await;
        assert_eq!(body["error"]["code"], "rate_limited");
        assert_eq!(call(Some("b")).await.unwrap().status(), 200);
        for _ in 0..5 {
            assert_eq!(call(None).await.unwrap().status(), 200);
        }
    }

    #[test]
    fn off_is_no_buckets() {
        assert!(TenantBuckets::new(RouteClass::Queries, RateLimitSettings::OFF).is_none());
    }
}
