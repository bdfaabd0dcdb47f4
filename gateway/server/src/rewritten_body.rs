//! The origin's HTML body, streamed through the engine's rewriter frame by frame.
//!
//! Before the visitor gets the response head, the gateway reads the page until the rewriter
//! has something to send ([`prime`]): a page that breaks off or does not decode before that
//! becomes a clean 502, and a page that expands like a decompression bomb is refused or
//! passed unrewritten, as `server.oversized_pages` says. Later, such a failure can only cut
//! the response short.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use consentry_engine::{BodyError, BodyRewriter};
use http_body::{Body, Frame};
use http_body_util::BodyExt;
use hyper::body::Incoming;

use crate::metrics::{Metrics, Oversized};
use crate::BoxError;

/// Where a page's rewrite is accounted: the site and the time spent so far.
pub struct PageReport {
    metrics: Arc<Metrics>,
    site: String,
    spent: Duration,
}

impl PageReport {
    /// A report for a page of `site`.
    pub fn new(metrics: Arc<Metrics>, site: &str) -> PageReport {
        PageReport {
            metrics,
            site: site.to_owned(),
            spent: Duration::ZERO,
        }
    }

    fn push(&mut self, rewriter: &mut BodyRewriter, data: &[u8]) -> Result<Vec<u8>, BodyError> {
        let started = Instant::now();
        let out = rewriter.push(data);
        self.spent += started.elapsed();
        out
    }
}

/// A body that rewrites the origin's body as it arrives.
pub struct RewrittenBody {
    inner: Incoming,
    rewriter: Option<BodyRewriter>,
    /// Output made while priming, sent first.
    pending: Option<Frame<Bytes>>,
    report: PageReport,
}

/// What the start of a page showed.
pub enum Primed {
    /// Send this body.
    Rewritten(Box<RewrittenBody>),
    /// Too large to rewrite: the origin's bytes so far, as they came, and the rest.
    Oversized {
        /// What the origin sent so far.
        held: Vec<Bytes>,
        /// The rest of its body.
        rest: Incoming,
        /// What was found.
        error: BodyError,
    },
    /// The origin's body broke off or did not decode before anything was sent.
    Failed(BoxError),
}

/// Reads the origin's page until the rewriter has output (or the page ends).
pub async fn prime(
    mut inner: Incoming,
    mut rewriter: BodyRewriter,
    mut report: PageReport,
) -> Primed {
    let mut held = Vec::new();
    loop {
        match inner.frame().await {
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => match report.push(&mut rewriter, &data) {
                    Ok(out) => {
                        held.push(data);
                        if !out.is_empty() {
                            return Primed::Rewritten(Box::new(RewrittenBody {
                                inner,
                                rewriter: Some(rewriter),
                                pending: Some(Frame::data(Bytes::from(out))),
                                report,
                            }));
                        }
                    }
                    Err(error) if error.is_oversized() => {
                        held.push(data);
                        return Primed::Oversized {
                            held,
                            rest: inner,
                            error,
                        };
                    }
                    Err(error) => return Primed::Failed(error.into()),
                },
                Err(trailers) => {
                    return Primed::Rewritten(Box::new(RewrittenBody {
                        inner,
                        rewriter: Some(rewriter),
                        pending: Some(trailers),
                        report,
                    }))
                }
            },
            Some(Err(error)) => return Primed::Failed(error.into()),
            None => {
                let mut body = RewrittenBody {
                    inner,
                    rewriter: None,
                    pending: None,
                    report,
                };
                return match body.finish(rewriter) {
                    Ok(Some(frame)) => {
                        body.pending = Some(frame);
                        Primed::Rewritten(Box::new(body))
                    }
                    Ok(None) => Primed::Rewritten(Box::new(body)),
                    Err(error) if error.is_oversized() => Primed::Oversized {
                        held,
                        rest: body.inner,
                        error,
                    },
                    Err(error) => Primed::Failed(error.into()),
                };
            }
        }
    }
}

impl RewrittenBody {
    /// Ends the page: the last bytes, and the page accounted.
    fn finish(&mut self, rewriter: BodyRewriter) -> Result<Option<Frame<Bytes>>, BodyError> {
        let started = Instant::now();
        let finished = rewriter.finish();
        self.report.spent += started.elapsed();
        let (out, stats) = finished?;
        tracing::debug!(?stats, "page rewritten");
        self.report
            .metrics
            .page_rewritten(&self.report.site, self.report.spent, &stats);
        Ok((!out.is_empty()).then(|| Frame::data(Bytes::from(out))))
    }

    fn failed(&self, error: &BodyError) {
        if error.is_oversized() {
            self.report
                .metrics
                .oversized(&self.report.site, Oversized::Cut);
        }
        tracing::warn!(%error, site = %self.report.site, "page body could not be processed; response cut short");
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
        if let Some(frame) = this.pending.take() {
            return Poll::Ready(Some(Ok(frame)));
        }
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
                    Ok(data) => match this.report.push(rewriter, &data) {
                        Ok(out) if out.is_empty() => continue,
                        Ok(out) => return Poll::Ready(Some(Ok(Frame::data(Bytes::from(out))))),
                        Err(e) => {
                            this.rewriter = None;
                            this.failed(&e);
                            return Poll::Ready(Some(Err(e.into())));
                        }
                    },
                    // Trailers: nothing to rewrite in them.
                    Err(frame) => return Poll::Ready(Some(Ok(frame))),
                },
                Some(Err(e)) => {
                    this.rewriter = None;
                    this.report
                        .metrics
                        .upstream_error(&this.report.site, crate::metrics::UpstreamFailure::Body);
                    return Poll::Ready(Some(Err(e.into())));
                }
                None => {
                    let Some(rewriter) = this.rewriter.take() else {
                        return Poll::Ready(None);
                    };
                    return match this.finish(rewriter) {
                        Ok(frame) => Poll::Ready(frame.map(Ok)),
                        Err(e) => {
                            this.failed(&e);
                            Poll::Ready(Some(Err(e.into())))
                        }
                    };
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.pending.is_none() && self.rewriter.is_none()
    }
}
