//! The HTTP server every service runs: actix-web's parts assembled like
//! `actix_web::HttpServer` does, with one difference: each accepted
//! connection is wrapped in a [`JsonErrorStream`], so even the error
//! responses the HTTP/1 dispatcher writes before any middleware runs are
//! JSON in the error contract (see `bare_errors`).

mod bare_errors;
mod json_error_stream;

use std::fmt;
use std::net::TcpListener;
use std::time::Duration;

use actix_http::{HttpService, KeepAlive, Request, Response, body::MessageBody};
use actix_service::{
    IntoServiceFactory, Service, ServiceFactory, ServiceFactoryExt, fn_service, map_config,
};
use actix_web::dev::{AppConfig, Server};
use actix_web::rt::net::TcpStream;

use bare_errors::BareErrorRewriter;
use json_error_stream::JsonErrorStream;

/// How a service's server runs.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Worker threads; `None` = one per core (actix's default).
    pub workers: Option<usize>,
    /// How long a graceful stop waits for requests in flight.
    pub shutdown_timeout: Duration,
    /// The longest the head of a connection's first request may take to
    /// arrive (`HttpSettings::head_timeout`); slower ones get 408.
    pub head_timeout: Duration,
}

/// Keep-alive and disconnect timeouts as `actix_web::HttpServer` sets them.
const KEEP_ALIVE: Duration = Duration::from_secs(5);
const DISCONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// Serves the application `app` builds (once per worker) on `listener`,
/// HTTP/1.1 only, without listening to OS signals: the caller stops the
/// returned server (see [`RunningServer`](super::RunningServer)).
pub fn serve<F, I, S, B>(
    listener: TcpListener,
    options: ServerOptions,
    app: F,
) -> std::io::Result<Server>
where
    F: Fn() -> I + Send + Clone + 'static,
    I: IntoServiceFactory<S, Request>,
    S: ServiceFactory<Request, Config = AppConfig> + 'static,
    S::Error: Into<actix_web::Error> + 'static,
    S::InitError: fmt::Debug,
    S::Response: Into<Response<B>> + 'static,
    <S::Service as Service<Request>>::Future: 'static,
    S::Service: 'static,
    B: MessageBody + 'static,
{
    let local_addr = listener.local_addr()?;
    let rewriter = BareErrorRewriter {
        head_timeout_ms: options.head_timeout.as_millis(),
    };
    let mut builder = actix_server::Server::build();
    if let Some(workers) = options.workers {
        builder = builder.workers(workers.max(1));
    }
    let shutdown = builder.graceful_shutdown_signal();
    let head_timeout = options.head_timeout;
    let builder = builder
        .disable_signals()
        .shutdown_timeout(options.shutdown_timeout.as_secs())
        .listen(format!("http-{local_addr}"), listener, move || {
            let shutdown = shutdown.clone();
            let app = app()
                .into_factory()
                .map_err(|error| error.into().error_response());
            let http = HttpService::build()
                .keep_alive(KeepAlive::Timeout(KEEP_ALIVE))
                .client_request_timeout(head_timeout)
                .client_disconnect_timeout(DISCONNECT_TIMEOUT)
                .local_addr(local_addr)
                // What HttpServer does too: on a graceful stop, idle
                // keep-alive connections close instead of holding the stop.
                .graceful_shutdown_signal(move || {
                    let shutdown = shutdown.clone();
                    async move { shutdown.notified().await }
                })
                // No request reads the server's host name or address from
                // the app config, so the default one is enough.
                .h1(map_config(app, |_| AppConfig::default()));
            fn_service(move |stream: TcpStream| {
                let peer = stream.peer_addr().ok();
                std::future::ready(Ok::<_, actix_http::error::DispatchError>((
                    JsonErrorStream::new(stream, peer, rewriter),
                    peer,
                )))
            })
            .and_then(http)
        })?;
    Ok(builder.run())
}
