//! The origin's HTML body, streamed through the engine's rewriter frame by frame.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use consentry_engine::BodyRewriter;
use http_body::{Body, Frame};
use hyper::body::Incoming;

use crate::BoxError;

/// A body that rewrites the origin's body as it arrives.
pub struct RewrittenBody {
    inner: Incoming,
    rewriter: Option<BodyRewriter>,
}

impl RewrittenBody {
    /// Wraps the origin's body.
    pub fn new(inner: Incoming, rewriter: BodyRewriter) -> Self {
        RewrittenBody {
            inner,
            rewriter: Some(rewriter),
        }
    }
}

impl Body for RewrittenBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        loop {
            let Some(rewriter) = this.rewriter.as_mut() else {
                return Poll::Ready(None);
            };
            let frame = match Pin::new(&mut this.inner).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(frame) => frame,
            };
            match frame {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => match rewriter.push(&data) {
                        Ok(out) if out.is_empty() => continue,
                        Ok(out) => return Poll::Ready(Some(Ok(Frame::data(Bytes::from(out))))),
                        Err(e) => {
                            this.rewriter = None;
                            tracing::warn!(error = %e, "page body could not be processed; response cut short");
                            return Poll::Ready(Some(Err(e.into())));
                        }
                    },
                    // Trailers: nothing to rewrite in them.
                    Err(frame) => return Poll::Ready(Some(Ok(frame))),
                },
                Some(Err(e)) => {
                    this.rewriter = None;
                    return Poll::Ready(Some(Err(e.into())));
                }
                None => {
                    let Some(rewriter) = this.rewriter.take() else {
                        return Poll::Ready(None);
                    };
                    return match rewriter.finish() {
                        Ok((out, stats)) => {
                            tracing::debug!(?stats, "page rewritten");
                            if out.is_empty() {
                                Poll::Ready(None)
                            } else {
                                Poll::Ready(Some(Ok(Frame::data(Bytes::from(out)))))
                            }
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "page body could not be finished");
                            Poll::Ready(Some(Err(e.into())))
                        }
                    };
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.rewriter.is_none()
    }
}
