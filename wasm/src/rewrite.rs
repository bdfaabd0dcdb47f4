//! The origin's HTML body, streamed through the engine's rewriter chunk by chunk once
//! [`crate::prime`] has read its start: what the rewriter has finished leaves at once,
//! nothing waits for the whole page.

use consentry_engine::BodyRewriter;
use futures_util::stream::{self, Stream, StreamExt};
use js_sys::Uint8Array;
use wasm_bindgen::JsValue;

enum State<S> {
    Streaming(S, Box<BodyRewriter>),
    Done,
}

pub(crate) fn rewrite_stream<S>(
    chunks: S,
    rewriter: BodyRewriter,
) -> impl Stream<Item = Result<JsValue, JsValue>>
where
    S: Stream<Item = Result<JsValue, JsValue>> + Unpin + 'static,
{
    stream::unfold(
        State::Streaming(chunks, Box::new(rewriter)),
        |state| async move {
            let State::Streaming(mut chunks, mut rewriter) = state else {
                return None;
            };
            loop {
                match chunks.next().await {
                    Some(Ok(chunk)) => {
                        let bytes = Uint8Array::new(&chunk).to_vec();
                        match rewriter.push(&bytes) {
                            Ok(out) if out.is_empty() => continue,
                            Ok(out) => {
                                let item = Ok(Uint8Array::from(&out[..]).into());
                                return Some((item, State::Streaming(chunks, rewriter)));
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "page body could not be processed; response cut short");
                                return Some((Err(JsValue::from_str(&e.to_string())), State::Done));
                            }
                        }
                    }
                    Some(Err(e)) => return Some((Err(e), State::Done)),
                    None => {
                        return match rewriter.finish() {
                            Ok((out, stats)) => {
                                tracing::debug!(?stats, "page rewritten");
                                if out.is_empty() {
                                    None
                                } else {
                                    Some((Ok(Uint8Array::from(&out[..]).into()), State::Done))
                                }
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "page body could not be finished");
                                Some((Err(JsValue::from_str(&e.to_string())), State::Done))
                            }
                        };
                    }
                }
            }
        },
    )
}
