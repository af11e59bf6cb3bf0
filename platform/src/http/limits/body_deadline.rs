//! A deadline on reading a request body, and keeping an unread body from
//! holding its connection.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::HttpMessage;
use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{Payload, ServiceRequest};
use actix_web::error::PayloadError;
use actix_web::web::Bytes;
use futures::Stream;
use pin_project_lite::pin_project;
use tokio::time::Sleep;

/// What a body reader sees when the deadline passes: an I/O error of kind
/// `TimedOut` (see [`is_deadline_error`]).
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive within {} ms", .0.as_millis())]
pub struct BodyDeadlineExceeded(pub Duration);

/// Whether a payload error is the body deadline passing.
pub fn is_deadline_error(error: &PayloadError) -> bool {
    matches!(error, PayloadError::Io(error) if error.kind() == std::io::ErrorKind::TimedOut)
}

/// The request's body, shared between its reader and its response.
pub(crate) type SharedPayload = Rc<RefCell<Payload>>;

/// Replaces the request's body with one that fails once `timeout` has
/// passed, and returns the original, which the response must hold (see
/// [`HoldingPayload`]). `None` for a request without a body.
pub(crate) fn with_deadline(
    request: &mut ServiceRequest,
    timeout: Duration,
) -> Option<SharedPayload> {
    let payload = request.take_payload();
    if matches!(payload, Payload::None) {
        return None;
    }
    let shared = Rc::new(RefCell::new(payload));
    request.set_payload(Payload::Stream {
        payload: Box::pin(DeadlinePayload {
            payload: shared.clone(),
            deadline: Box::pin(tokio::time::sleep(timeout)),
            timeout,
            expired: false,
        }),
    });
    Some(shared)
}

struct DeadlinePayload {
    payload: SharedPayload,
    deadline: Pin<Box<Sleep>>,
    timeout: Duration,
    expired: bool,
}

impl Stream for DeadlinePayload {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.expired {
            return Poll::Ready(None);
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            self.expired = true;
            let error = std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                BodyDeadlineExceeded(self.timeout),
            );
            return Poll::Ready(Some(Err(PayloadError::Io(error))));
        }
        let payload = self.payload.clone();
        let mut payload = payload.borrow_mut();
        Pin::new(&mut *payload).poll_next(cx)
    }
}

pin_project! {
    /// A response body that keeps the request's body alive until the
    /// response has been written.
    ///
    /// Why: when a handler answers without reading the whole body, actix-http
    /// closes the connection after the response if the body's reader is
    /// still alive, but if the reader was dropped it *drains* a chunked body
    /// instead, with no timer: a client trickling chunks (or sending none)
    /// would hold the connection forever. Holding the reader until the
    /// response is out makes every unread body end its connection.
    pub struct HoldingPayload<B> {
        #[pin]
        body: B,
        payload: Option<SharedPayload>,
    }
}

impl<B> HoldingPayload<B> {
    pub(crate) fn new(body: B, payload: Option<SharedPayload>) -> Self {
        Self { body, payload }
    }
}

impl<B: MessageBody> MessageBody for HoldingPayload<B> {
    type Error = B::Error;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        self.project().body.poll_next(cx)
    }
}
