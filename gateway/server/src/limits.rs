//! Bounds on what visitors and origins may hold: request bodies that stall, requests in flight
//! to an origin, and bodies that carry a permit until they end.

use consentry_engine::exchange::ReadFailure;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::{Instant, Sleep};

use crate::BoxError;

/// A visitor's request body that fails when no piece arrives for `idle` (a slow client
/// holding a connection open), as it streams on to the origin.
pub struct TimedBody {
    /// `None` for a request sent again without a body.
    inner: Option<Incoming>,
    idle: Duration,
    timer: Pin<Box<Sleep>>,
}

impl TimedBody {
    /// Wraps a request body.
    /// No body at all.
    pub fn empty(idle: Duration) -> TimedBody {
        TimedBody {
            inner: None,
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
        }
    }

    pub fn new(inner: Incoming, idle: Duration) -> TimedBody {
        TimedBody {
            inner: Some(inner),
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
        }
    }
}

/// The visitor stopped sending their request body.
#[derive(Debug, thiserror::Error)]
#[error("request body stalled for {0:?}")]
pub struct Stalled(Duration);

impl Body for TimedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        match Pin::new(inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                let deadline = Instant::now() + this.idle;
                this.timer.as_mut().reset(deadline);
                Poll::Ready(frame.map(|f| f.map_err(Into::into)))
            }
            Poll::Pending => match this.timer.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Stalled(this.idle).into()))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(Incoming::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), Incoming::size_hint)
    }
}

/// Reads a whole request body for Consentry's own endpoints: at most `limit` bytes, within
/// `timeout` altogether.
pub async fn read_body(
    body: Incoming,
    limit: usize,
    timeout: Duration,
) -> Result<Vec<u8>, ReadFailure> {
    match tokio::time::timeout(timeout, Limited::new(body, limit).collect()).await {
        Err(_) => Err(ReadFailure::TimedOut),
        Ok(Ok(collected)) => Ok(collected.to_bytes().to_vec()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(ReadFailure::TooLarge),
        Ok(Err(e)) => Err(ReadFailure::Broken(e.to_string())),
    }
}

/// A response body that holds a permit (a request in flight to the origin) until it ends or
/// the visitor goes away.
pub struct PermitBody<B> {
    inner: B,
    permit: Option<OwnedSemaphorePermit>,
}

impl<B> PermitBody<B> {
    /// Holds `permit` for as long as `inner` is sent.
    pub fn new(inner: B, permit: OwnedSemaphorePermit) -> PermitBody<B> {
        PermitBody {
            inner,
            permit: Some(permit),
        }
    }
}

impl<B: Body + Unpin> Body for PermitBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        if let Poll::Ready(None) = polled {
            this.permit = None;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The origin's bytes held while the gateway looked at the start of a page, then the rest as
/// it comes: the page passes unrewritten.
pub struct HeldBody {
    held: std::collections::VecDeque<Bytes>,
    rest: Incoming,
}

impl HeldBody {
    /// `held` first, then `rest`.
    pub fn new(held: Vec<Bytes>, rest: Incoming) -> HeldBody {
        HeldBody {
            held: held.into(),
            rest,
        }
    }
}

impl Body for HeldBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if let Some(bytes) = self.held.pop_front() {
            return Poll::Ready(Some(Ok(Frame::data(bytes))));
        }
        Pin::new(&mut self.rest)
            .poll_frame(cx)
            .map(|frame| frame.map(|f| f.map_err(Into::into)))
    }

    fn is_end_stream(&self) -> bool {
        self.held.is_empty() && self.rest.is_end_stream()
    }
}
