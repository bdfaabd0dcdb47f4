//! A page body through the whole pass: decode what the origin sent, rewrite the HTML, and
//! encode the result for the visitor. Push-based, so either host streams it.
//!
//! Decoded bytes go through the rewriter and the encoder a piece at a time as the decoder
//! lets them out, so memory stays flat however much a chunk expands, and a page that
//! expands like a decompression bomb is refused early, after a few MiB of work.

use std::io::Write;

use crate::codec::{CodingError, ContentCoding, Decoder, Encoder};
use crate::html::{PageRewriter, RewriteError, RewriteStats};

/// Most decoded bytes one page may expand to before the rewrite refuses it.
pub const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;
/// Past this many decoded bytes, a page must not have expanded more than
/// [`MAX_EXPANSION`]-fold over the bytes the origin sent.
pub const EXPANSION_FLOOR: u64 = 4 * 1024 * 1024;
/// How many times its encoded size a page may decode to (past [`EXPANSION_FLOOR`]). Real
/// pages compress 3 to 20-fold; gzip cannot exceed about 1,030-fold, brotli can go far past.
pub const MAX_EXPANSION: u64 = 250;

/// Why a body could not be processed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BodyError {
    /// The origin's body does not decode.
    #[error(transparent)]
    Coding(#[from] CodingError),
    /// The HTML rewrite failed.
    #[error(transparent)]
    Rewrite(#[from] RewriteError),
    /// The decoded page is larger than [`MAX_DECODED_BYTES`].
    #[error("decoded page exceeds {MAX_DECODED_BYTES} bytes")]
    TooLarge,
    /// The page decodes to more than [`MAX_EXPANSION`] times what the origin sent (a
    /// decompression bomb).
    #[error("page expands more than {MAX_EXPANSION}-fold when decoded (a decompression bomb)")]
    Expands,
}

impl BodyError {
    /// Whether the page was refused for its decoded size, not for broken content.
    pub fn is_oversized(&self) -> bool {
        matches!(self, BodyError::TooLarge | BodyError::Expands)
    }
}

/// Decode, rewrite, encode.
pub struct BodyRewriter {
    decoder: Decoder<Downstream>,
}

/// Where decoded bytes go: counted, rewritten, encoded.
struct Downstream {
    page: PageRewriter,
    encoder: Encoder,
    /// Encoded output ready for the visitor.
    out: Vec<u8>,
    /// Bytes the origin sent so far.
    encoded: u64,
    /// Bytes they decoded to so far.
    decoded: u64,
    /// Why the pass stopped; every later write is refused.
    failed: Option<BodyError>,
}

/// The error the decoder gets back when [`Downstream`] refuses bytes, so that a refusal
/// while the decoder finishes is told apart from a broken stream.
#[derive(Debug, thiserror::Error)]
#[error("page refused")]
struct Refused(Option<RewriteError>, bool);

fn refused(failed: &BodyError) -> std::io::Error {
    let expands = matches!(failed, BodyError::Expands);
    let rewrite = match failed {
        BodyError::Rewrite(e) => Some(RewriteError::Html(e.to_string())),
        _ => None,
    };
    std::io::Error::other(Refused(rewrite, expands))
}

impl Write for Downstream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(failed) = &self.failed {
            return Err(refused(failed));
        }
        self.decoded = self.decoded.saturating_add(buf.len() as u64);
        let refusal = if self.decoded > MAX_DECODED_BYTES {
            Some(BodyError::TooLarge)
        } else if self.decoded > EXPANSION_FLOOR
            && self.decoded > self.encoded.saturating_mul(MAX_EXPANSION)
        {
            Some(BodyError::Expands)
        } else {
            None
        };
        if let Some(refusal) = refusal {
            let error = refused(&refusal);
            self.failed = Some(refusal);
            return Err(error);
        }
        match self.page.write(buf) {
            Ok(html) => {
                // Sent as it is: the rewriter's output is the answer, not a copy of it.
                if matches!(self.encoder, Encoder::Identity) && self.out.is_empty() {
                    self.out = html;
                } else {
                    let encoded = self.encoder.write(&html);
                    self.out.extend_from_slice(&encoded);
                }
                Ok(buf.len())
            }
            Err(e) => {
                let failed = BodyError::Rewrite(e);
                let error = refused(&failed);
                self.failed = Some(failed);
                Err(error)
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl std::fmt::Debug for BodyRewriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyRewriter").finish_non_exhaustive()
    }
}

impl BodyRewriter {
    /// A pipeline for a body in `coding` that is sent on in the same coding.
    pub fn new(page: PageRewriter, coding: ContentCoding) -> Self {
        let downstream = Downstream {
            page,
            encoder: Encoder::new(coding),
            out: Vec::new(),
            encoded: 0,
            decoded: 0,
            failed: None,
        };
        BodyRewriter {
            decoder: Decoder::into_writer(coding, downstream),
        }
    }

    /// Processes the next chunk of the origin's body; returns the bytes to send now.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<u8>, BodyError> {
        let downstream = self.decoder.get_mut();
        downstream.encoded = downstream.encoded.saturating_add(chunk.len() as u64);
        let written = self.decoder.write(chunk);
        let downstream = self.decoder.get_mut();
        if let Some(failed) = downstream.failed.take() {
            // Keep refusing: the decoder may still hand on buffered bytes when dropped.
            downstream.failed = Some(BodyError::TooLarge);
            return Err(failed);
        }
        written.map_err(from_coding)?;
        let mut out = std::mem::take(&mut downstream.out);
        out.extend(downstream.encoder.flush());
        Ok(out)
    }

    /// Ends the body; returns the last bytes and what the rewrite did.
    pub fn finish(self) -> Result<(Vec<u8>, RewriteStats), BodyError> {
        let Downstream {
            page,
            mut encoder,
            mut out,
            failed,
            ..
        } = self.decoder.finish().map_err(from_coding)?;
        if let Some(failed) = failed {
            return Err(failed);
        }
        let (rest, stats) = page.end()?;
        out.extend(encoder.write(&rest));
        out.extend(encoder.finish());
        Ok((out, stats))
    }
}

/// A decoder's error, or the refusal that stopped it.
fn from_coding(error: CodingError) -> BodyError {
    let refusal = std::error::Error::source(&error)
        .and_then(|io| io.downcast_ref::<std::io::Error>())
        .and_then(|io| io.get_ref())
        .and_then(|inner| inner.downcast_ref::<Refused>());
    match refusal {
        Some(Refused(Some(rewrite), _)) => {
            BodyError::Rewrite(RewriteError::Html(rewrite.to_string()))
        }
        Some(Refused(None, true)) => BodyError::Expands,
        Some(Refused(None, false)) => BodyError::TooLarge,
        None => BodyError::Coding(error),
    }
}
