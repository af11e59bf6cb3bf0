//! The listener every service binds first.

#[derive(Debug, thiserror::Error)]
#[error("cannot bind {addr}: {source}")]
pub struct BindError {
    pub addr: std::net::SocketAddr,
    pub source: std::io::Error,
}

/// Binds a service's listener before anything else starts, so a taken port
/// fails fast; port 0 picks a free one (tests), returned beside the listener.
pub fn bind(addr: std::net::SocketAddr) -> Result<(std::net::TcpListener, u16), BindError> {
    let bind_error = |source| BindError { addr, source };
    let listener = std::net::TcpListener::bind(addr).map_err(bind_error)?;
    let port = listener.local_addr().map_err(bind_error)?.port();
    Ok((listener, port))
}

/// A started HTTP server that can be stopped gracefully: stop accepting,
/// let requests in flight finish, then return.
pub struct RunningServer {
    handle: actix_web::dev::ServerHandle,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    pub fn start(server: actix_web::dev::Server) -> Self {
        Self {
            handle: server.handle(),
            task: tokio::spawn(server),
        }
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
        let _ = self.task.await;
    }
}
