//! The connection wrapper that turns the dispatcher's bare error responses
//! into JSON on their way out.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use actix_web::web::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::bare_errors::BareErrorRewriter;

/// An accepted connection whose outgoing bytes pass through a
/// [`BareErrorRewriter`]. Reads are untouched.
///
/// The dispatcher encodes each response head into its write buffer at once
/// and hands the buffer to `poll_write`. A buffer that holds a bare error
/// head is taken whole (rewritten, and kept here until the socket accepts
/// it), so a bare head is never split between two writes; any other buffer
/// is written through as the socket allows.
pub(crate) struct JsonErrorStream<T> {
    inner: T,
    peer: Option<SocketAddr>,
    rewriter: BareErrorRewriter,
    /// Rewritten bytes the dispatcher counts as written but the socket has
    /// not taken yet; they go out before anything else.
    unsent: BytesMut,
}

impl<T> JsonErrorStream<T> {
    pub fn new(inner: T, peer: Option<SocketAddr>, rewriter: BareErrorRewriter) -> Self {
        Self {
            inner,
            peer,
            rewriter,
            unsent: BytesMut::new(),
        }
    }
}

impl<T: AsyncWrite + Unpin> JsonErrorStream<T> {
    fn poll_send_unsent(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.unsent.is_empty() {
            let written = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.unsent))?;
            if written == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.unsent.advance(written);
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonErrorStream<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonErrorStream<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_send_unsent(cx))?;
        let peer = this.peer;
        let rewritten = this.rewriter.rewrite(buf, |status| {
            metrics::counter!("http_refused_by_protocol_total", "status" => status.to_string())
                .increment(1);
            tracing::info!(
                status,
                peer = ?peer,
                "answered a request the HTTP layer refused before routing"
            );
        });
        let Some(rewritten) = rewritten else {
            return Pin::new(&mut this.inner).poll_write(cx, buf);
        };
        this.unsent.extend_from_slice(&rewritten);
        // Start sending now; whatever the socket does not take goes out on
        // the next write, flush or shutdown.
        if let Poll::Ready(Err(error)) = this.poll_send_unsent(cx) {
            return Poll::Ready(Err(error));
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_send_unsent(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_send_unsent(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test]
    async fn bare_errors_are_rewritten_and_everything_else_passes() {
        let (client, server) = tokio::io::duplex(16);
        let mut stream = JsonErrorStream::new(
            server,
            None,
            BareErrorRewriter {
                head_timeout_ms: 5000,
            },
        );
        let writer = tokio::spawn(async move {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-type: application/json\r\n\r\n{}")
                .await
                .unwrap();
            stream
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await
                .unwrap();
            stream.shutdown().await.unwrap();
        });
        let mut received = String::new();
        let mut client = client;
        client.read_to_string(&mut received).await.unwrap();
        writer.await.unwrap();
        let (ok, error) = received.split_once("{}").unwrap();
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(error.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{error}");
        assert!(error.contains("\"malformed_request\""), "{error}");
    }
}
