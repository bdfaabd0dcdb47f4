//! The origin's HTML body, streamed through the engine's rewriter chunk by chunk once
//! [`crate::prime`] has read its start: what the rewriter has finished leaves at once,
//! nothing waits for the whole page.
//!
//! The body is read ([`origin_chunks`]) in pieces as large as the runtime has ready, up to
//! [`READ_SIZE`]. Read chunk by chunk, a `fetch` body comes in 4 KB pieces, and each piece
//! costs the runtime a read, a promise and a wake-up on the way in and a pull on the way out:
//! more than the rewrite of its bytes (see docs/performance.md, "At the edge").

use consentry_engine::BodyRewriter;
use futures_util::stream::{self, LocalBoxStream, Stream, StreamExt};
use js_sys::futures::JsFuture;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{ReadableStreamByobReader, ReadableStreamGetReaderOptions, ReadableStreamReaderMode};

/// The most one read of the origin's body asks for. A read returns what the runtime has
/// ready, so a page that trickles in still leaves as it comes.
pub(crate) const READ_SIZE: u32 = 64 * 1024;

/// The first read of a body asks for this much, so a small page does not cost a large buffer.
const FIRST_READ: u32 = 16 * 1024;

/// The origin's body as a stream of `Uint8Array`s, read with a BYOB reader in pieces of up to
/// [`READ_SIZE`] (or chunk by chunk, as the runtime gives them, from a stream without one).
pub(crate) fn origin_chunks(
    origin: web_sys::ReadableStream,
) -> LocalBoxStream<'static, Result<JsValue, JsValue>> {
    let Some(reader) = byob_reader(&origin) else {
        return wasm_streams::ReadableStream::from_raw(origin.unchecked_into())
            .into_stream()
            .boxed_local();
    };
    let reading = Reading { reader, open: true };
    stream::unfold(Some((reading, FIRST_READ)), |state| async move {
        let (mut reading, size) = state?;
        let buffer = Uint8Array::new_with_length(size);
        let read = JsFuture::from(reading.reader.read_with_array_buffer_view(&buffer)).await;
        let read = match read {
            Ok(read) => read,
            Err(e) => {
                reading.open = false;
                return Some((Err(e), None));
            }
        };
        let field = |name: &str| Reflect::get(&read, &JsValue::from_str(name));
        if field("done").map_or(true, |done| done.is_truthy()) {
            reading.open = false;
            return None;
        }
        let value = field("value");
        // A read that filled its buffer asks for twice as much next time.
        let filled = value
            .as_ref()
            .ok()
            .and_then(|v| v.dyn_ref::<Uint8Array>())
            .is_some_and(|v| v.length() == size);
        let next = if filled {
            (size * 2).min(READ_SIZE)
        } else {
            size
        };
        Some((value, Some((reading, next))))
    })
    .boxed_local()
}

/// A body being read: given up before its end (the visitor went away), it cancels the
/// origin's body, as a stream read chunk by chunk does.
struct Reading {
    reader: ReadableStreamByobReader,
    /// Neither ended nor failed yet.
    open: bool,
}

impl Drop for Reading {
    fn drop(&mut self) {
        if self.open {
            let ignore = Closure::once(|_: JsValue| {});
            let _ = self.reader.cancel().catch(&ignore);
            ignore.forget();
        }
    }
}

/// A BYOB reader of `stream`, when it is a byte stream (a `fetch` body is).
fn byob_reader(stream: &web_sys::ReadableStream) -> Option<ReadableStreamByobReader> {
    let get_reader: js_sys::Function = Reflect::get(stream, &JsValue::from_str("getReader"))
        .ok()?
        .dyn_into()
        .ok()?;
    let options = ReadableStreamGetReaderOptions::new();
    options.set_mode(ReadableStreamReaderMode::Byob);
    get_reader.call1(stream, &options).ok()?.dyn_into().ok()
}

enum State<S> {
    Streaming(S, Box<BodyRewriter>, Vec<u8>),
    Done,
}

/// `chunks` (`Uint8Array`s) rewritten.
pub(crate) fn rewrite_stream<S>(
    chunks: S,
    rewriter: BodyRewriter,
) -> impl Stream<Item = Result<JsValue, JsValue>>
where
    S: Stream<Item = Result<JsValue, JsValue>> + Unpin + 'static,
{
    stream::unfold(
        State::Streaming(chunks, Box::new(rewriter), Vec::new()),
        |state| async move {
            let State::Streaming(mut chunks, mut rewriter, mut input) = state else {
                return None;
            };
            loop {
                match chunks.next().await {
                    Some(Ok(chunk)) => {
                        let bytes = match chunk.dyn_into::<Uint8Array>() {
                            Ok(bytes) => bytes,
                            Err(other) => Uint8Array::new(&other),
                        };
                        input.resize(bytes.length() as usize, 0);
                        bytes.copy_to(&mut input);
                        match rewriter.push(&input) {
                            Ok(out) if out.is_empty() => continue,
                            Ok(out) => {
                                let item = Ok(Uint8Array::from(&out[..]).into());
                                return Some((item, State::Streaming(chunks, rewriter, input)));
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
