//! A page body through the whole pass: decode what the origin sent, rewrite the HTML, and
//! encode the result for the visitor. Push-based, so either host streams it.

use crate::codec::{CodingError, ContentCoding, Decoder, Encoder};
use crate::html::{PageRewriter, RewriteError, RewriteStats};

/// Most decoded bytes one page may expand to before the rewrite refuses it.
pub const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;

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
    /// The decoded page is larger than [`MAX_DECODED_BYTES`] (a decompression bomb).
    #[error("decoded page exceeds {MAX_DECODED_BYTES} bytes")]
    TooLarge,
}

/// Decode, rewrite, encode.
pub struct BodyRewriter {
    decoder: Decoder,
    page: PageRewriter,
    encoder: Encoder,
    decoded: u64,
}

impl std::fmt::Debug for BodyRewriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyRewriter")
            .field("decoded", &self.decoded)
            .finish_non_exhaustive()
    }
}

impl BodyRewriter {
    /// A pipeline for a body in `coding` that is sent on in the same coding.
    pub fn new(page: PageRewriter, coding: ContentCoding) -> Self {
        BodyRewriter {
            decoder: Decoder::new(coding),
            page,
            encoder: Encoder::new(coding),
            decoded: 0,
        }
    }

    /// Processes the next chunk of the origin's body; returns the bytes to send now.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<u8>, BodyError> {
        let decoded = self.decoder.decode(chunk)?;
        self.count(decoded.len())?;
        let html = self.page.write(&decoded)?;
        Ok(self.encoder.encode(html))
    }

    /// Ends the body; returns the last bytes and what the rewrite did.
    pub fn finish(self) -> Result<(Vec<u8>, RewriteStats), BodyError> {
        let BodyRewriter {
            decoder,
            mut page,
            mut encoder,
            mut decoded,
        } = self;
        let tail = decoder.finish()?;
        count(&mut decoded, tail.len())?;
        let mut html = page.write(&tail)?;
        let (rest, stats) = page.end()?;
        html.extend_from_slice(&rest);
        let mut out = encoder.encode(html);
        out.extend_from_slice(&encoder.finish());
        Ok((out, stats))
    }

    fn count(&mut self, n: usize) -> Result<(), BodyError> {
        count(&mut self.decoded, n)
    }
}

fn count(decoded: &mut u64, n: usize) -> Result<(), BodyError> {
    *decoded = decoded.saturating_add(n as u64);
    if *decoded > MAX_DECODED_BYTES {
        return Err(BodyError::TooLarge);
    }
    Ok(())
}
