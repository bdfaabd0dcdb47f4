//! The start of a page, read before the visitor gets the response head, as natively: a page
//! that breaks off or does not decode before the rewriter has output becomes a clean 502, and
//! a page too large to rewrite is refused or passed on unrewritten as `server.oversized_pages`
//! says (the engine's [`Forward::oversized`](consentry_engine::exchange::Forward::oversized)).

use consentry_engine::BodyRewriter;
use futures_util::stream::{self, StreamExt};
use js_sys::Uint8Array;
use wasm_bindgen::JsValue;

use crate::rewrite::{origin_chunks, rewrite_stream};

/// What the start of a page showed.
pub enum Primed {
    /// Send this rewritten body.
    Rewritten(web_sys::ReadableStream),
    /// Too large to rewrite: the origin's bytes as they came.
    Oversized(web_sys::ReadableStream, String),
    /// The origin's body broke off or did not decode before anything was sent.
    Failed(String),
}

/// Reads the origin's page until the rewriter has output (or the page ends).
pub async fn prime(origin: web_sys::ReadableStream, mut rewriter: BodyRewriter) -> Primed {
    let mut chunks = origin_chunks(origin);
    let mut held: Vec<JsValue> = Vec::new();
    loop {
        let Some(chunk) = chunks.next().await else {
            return match rewriter.finish() {
                Ok((out, _)) => Primed::Rewritten(whole(out)),
                Err(e) => Primed::Failed(e.to_string()),
            };
        };
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => return Primed::Failed(crate::error::js_text(&e)),
        };
        match rewriter.push(&Uint8Array::new(&chunk).to_vec()) {
            Ok(out) if out.is_empty() => held.push(chunk),
            Ok(out) => {
                let first = stream::once(async move { Ok(Uint8Array::from(&out[..]).into()) });
                let body = first.chain(rewrite_stream(chunks, rewriter));
                return Primed::Rewritten(
                    wasm_streams::ReadableStream::from_stream(body).into_raw(),
                );
            }
            Err(e) if e.is_oversized() => {
                held.push(chunk);
                let body = stream::iter(held.into_iter().map(Ok)).chain(chunks);
                let raw = wasm_streams::ReadableStream::from_stream(body).into_raw();
                return Primed::Oversized(raw, e.to_string());
            }
            Err(e) => return Primed::Failed(e.to_string()),
        }
    }
}

fn whole(out: Vec<u8>) -> web_sys::ReadableStream {
    let body = stream::iter((!out.is_empty()).then(|| Ok(Uint8Array::from(&out[..]).into())));
    wasm_streams::ReadableStream::from_stream(body).into_raw()
}
