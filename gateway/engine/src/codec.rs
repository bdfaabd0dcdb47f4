//! Content codings the gateway decodes to rewrite a page and encodes again for the visitor,
//! as push-based transforms that hand back whatever output is ready after each chunk.

use std::io::Write;

use flate2::write::{GzDecoder, GzEncoder, ZlibDecoder, ZlibEncoder};
use flate2::Compression;

/// A `Content-Encoding` the gateway can decode and encode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentCoding {
    /// No coding.
    Identity,
    /// `gzip`.
    Gzip,
    /// `deflate` (zlib-wrapped, as HTTP defines it).
    Deflate,
    /// `br` (with the `brotli` feature; a Worker leaves brotli to the runtime).
    #[cfg(feature = "brotli")]
    Brotli,
}

impl ContentCoding {
    /// The coding named by a `Content-Encoding` header; `None` for one the gateway cannot
    /// decode (or a chain of several), whose body must pass through untouched.
    pub fn from_header(value: Option<&str>) -> Option<ContentCoding> {
        let Some(value) = value else {
            return Some(ContentCoding::Identity);
        };
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "identity" => Some(ContentCoding::Identity),
            "gzip" | "x-gzip" => Some(ContentCoding::Gzip),
            "deflate" => Some(ContentCoding::Deflate),
            #[cfg(feature = "brotli")]
            "br" => Some(ContentCoding::Brotli),
            _ => None,
        }
    }

    /// The header value, `None` for identity.
    pub const fn header_value(self) -> Option<&'static str> {
        match self {
            ContentCoding::Identity => None,
            ContentCoding::Gzip => Some("gzip"),
            ContentCoding::Deflate => Some("deflate"),
            #[cfg(feature = "brotli")]
            ContentCoding::Brotli => Some("br"),
        }
    }
}

/// A coding error: the origin's body is not what its `Content-Encoding` says.
#[derive(Debug, thiserror::Error)]
#[error("{coding:?} body: {source}")]
pub struct CodingError {
    coding: ContentCoding,
    #[source]
    source: std::io::Error,
}

/// gzip and deflate level for pages encoded again. On the 60 KB and 1 MB benchmark pages,
/// flushed every 16 KiB (one run with C zlib through Python's `zlib` module), level 4 came out
/// 5 to 7% larger than level 5 and 1.3 to 1.5 times as fast; level 6 took twice level 5's time.
const GZIP_LEVEL: u32 = 4;

/// Brotli quality for on-the-fly compression: fast, still well under gzip's size.
#[cfg(feature = "brotli")]
const BROTLI_QUALITY: u32 = 4;
#[cfg(feature = "brotli")]
/// A 512 KiB window: each brotli response being encoded keeps up to its window of the page in
/// memory (the default, 4 MiB, is the whole of most pages). The decoder's window is the
/// origin's choice.
const BROTLI_WINDOW: u32 = 19;
#[cfg(feature = "brotli")]
const BUFFER: usize = 16 * 1024;

/// Decodes a body chunk by chunk into `W`, which receives the decoded bytes a piece at a
/// time (at most some tens of KiB per write), however much a chunk expands: a decompression
/// bomb never sits whole in memory. When `W` refuses a write, decoding stops with its error.
pub enum Decoder<W: Write = Vec<u8>> {
    /// Passes bytes through.
    Identity(W),
    /// gzip.
    Gzip(Box<GzDecoder<W>>),
    /// zlib.
    Deflate(Box<ZlibDecoder<W>>),
    /// brotli.
    #[cfg(feature = "brotli")]
    Brotli(Box<brotli::DecompressorWriter<W>>),
}

#[cfg(test)]
impl Decoder<Vec<u8>> {
    /// A decoder for `coding` that collects what it decodes.
    pub fn new(coding: ContentCoding) -> Decoder<Vec<u8>> {
        Decoder::into_writer(coding, Vec::new())
    }

    /// Decodes the next chunk and returns what came out. For identity the chunk is returned
    /// as it is.
    pub fn decode(&mut self, chunk: &[u8]) -> Result<Vec<u8>, CodingError> {
        self.write(chunk)?;
        Ok(std::mem::take(self.get_mut()))
    }
}

impl<W: Write> Decoder<W> {
    /// A decoder for `coding` that writes what it decodes to `inner`.
    pub fn into_writer(coding: ContentCoding, inner: W) -> Decoder<W> {
        match coding {
            ContentCoding::Identity => Decoder::Identity(inner),
            ContentCoding::Gzip => Decoder::Gzip(Box::new(GzDecoder::new(inner))),
            ContentCoding::Deflate => Decoder::Deflate(Box::new(ZlibDecoder::new(inner))),
            #[cfg(feature = "brotli")]
            ContentCoding::Brotli => {
                Decoder::Brotli(Box::new(brotli::DecompressorWriter::new(inner, BUFFER)))
            }
        }
    }

    fn coding(&self) -> ContentCoding {
        match self {
            Decoder::Identity(_) => ContentCoding::Identity,
            Decoder::Gzip(_) => ContentCoding::Gzip,
            Decoder::Deflate(_) => ContentCoding::Deflate,
            #[cfg(feature = "brotli")]
            Decoder::Brotli(_) => ContentCoding::Brotli,
        }
    }

    /// The writer the decoded bytes go to.
    pub fn get_mut(&mut self) -> &mut W {
        match self {
            Decoder::Identity(w) => w,
            Decoder::Gzip(d) => d.get_mut(),
            Decoder::Deflate(d) => d.get_mut(),
            #[cfg(feature = "brotli")]
            Decoder::Brotli(d) => d.get_mut(),
        }
    }

    /// Decodes the next chunk into the writer. flate2's decoders are written a call at a
    /// time (each hands on at most one internal buffer); brotli's hands on its buffer
    /// whenever it fills.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), CodingError> {
        let coding = self.coding();
        let err = |source| CodingError { coding, source };
        match self {
            Decoder::Identity(w) => w.write_all(chunk).map_err(err),
            Decoder::Gzip(d) => d.write_all(chunk).map_err(err),
            Decoder::Deflate(d) => d.write_all(chunk).map_err(err),
            #[cfg(feature = "brotli")]
            Decoder::Brotli(d) => d.write_all(chunk).map_err(err),
        }
    }

    /// Ends the stream and returns the writer; fails when the stream was cut short.
    pub fn finish(self) -> Result<W, CodingError> {
        let coding = self.coding();
        let err = |source| CodingError { coding, source };
        match self {
            Decoder::Identity(w) => Ok(w),
            Decoder::Gzip(d) => d.finish().map_err(err),
            Decoder::Deflate(d) => d.finish().map_err(err),
            #[cfg(feature = "brotli")]
            Decoder::Brotli(d) => d.into_inner().map_err(|_| {
                err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "truncated brotli stream",
                ))
            }),
        }
    }
}

/// Encodes a body chunk by chunk, flushing after each so the visitor gets bytes early.
pub enum Encoder {
    /// Passes bytes through.
    Identity,
    /// gzip.
    Gzip(Box<GzEncoder<Vec<u8>>>),
    /// zlib.
    Deflate(Box<ZlibEncoder<Vec<u8>>>),
    /// brotli.
    #[cfg(feature = "brotli")]
    Brotli(Box<brotli::CompressorWriter<Vec<u8>>>),
}

impl Encoder {
    /// An encoder for `coding`.
    pub fn new(coding: ContentCoding) -> Encoder {
        match coding {
            ContentCoding::Identity => Encoder::Identity,
            ContentCoding::Gzip => Encoder::Gzip(Box::new(GzEncoder::new(
                Vec::new(),
                Compression::new(GZIP_LEVEL),
            ))),
            ContentCoding::Deflate => Encoder::Deflate(Box::new(ZlibEncoder::new(
                Vec::new(),
                Compression::new(GZIP_LEVEL),
            ))),
            #[cfg(feature = "brotli")]
            ContentCoding::Brotli => Encoder::Brotli(Box::new(brotli::CompressorWriter::new(
                Vec::new(),
                BUFFER,
                BROTLI_QUALITY,
                BROTLI_WINDOW,
            ))),
        }
    }

    #[cfg(test)]
    /// Encodes the next chunk and returns what is ready, flushed so the visitor can read
    /// everything given so far.
    pub fn encode(&mut self, chunk: Vec<u8>) -> Vec<u8> {
        if let Encoder::Identity = self {
            return chunk;
        }
        let mut out = self.write(&chunk);
        if !chunk.is_empty() {
            out.extend(self.flush());
        }
        out
    }

    /// Encodes the next piece without flushing; returns what the encoder let out.
    pub fn write(&mut self, chunk: &[u8]) -> Vec<u8> {
        // Writing to a Vec cannot fail.
        fn write_take<W: Write>(w: &mut W, chunk: &[u8]) {
            if !chunk.is_empty() {
                let _ = w.write_all(chunk);
            }
        }
        match self {
            Encoder::Identity => chunk.to_vec(),
            Encoder::Gzip(e) => {
                write_take(e.as_mut(), chunk);
                std::mem::take(e.get_mut())
            }
            Encoder::Deflate(e) => {
                write_take(e.as_mut(), chunk);
                std::mem::take(e.get_mut())
            }
            #[cfg(feature = "brotli")]
            Encoder::Brotli(e) => {
                write_take(e.as_mut(), chunk);
                std::mem::take(e.get_mut())
            }
        }
    }

    /// Flushes what was written so far, so the visitor can decode all of it.
    pub fn flush(&mut self) -> Vec<u8> {
        match self {
            Encoder::Identity => Vec::new(),
            Encoder::Gzip(e) => {
                let _ = e.flush();
                std::mem::take(e.get_mut())
            }
            Encoder::Deflate(e) => {
                let _ = e.flush();
                std::mem::take(e.get_mut())
            }
            #[cfg(feature = "brotli")]
            Encoder::Brotli(e) => {
                let _ = e.flush();
                std::mem::take(e.get_mut())
            }
        }
    }

    /// Ends the stream and returns the last bytes.
    pub fn finish(self) -> Vec<u8> {
        match self {
            Encoder::Identity => Vec::new(),
            Encoder::Gzip(e) => e.finish().unwrap_or_default(),
            Encoder::Deflate(e) => e.finish().unwrap_or_default(),
            #[cfg(feature = "brotli")]
            Encoder::Brotli(e) => e.into_inner(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_coding_round_trips_chunk_by_chunk() {
        let text: Vec<u8> = b"<p>consent</p>"
            .iter()
            .copied()
            .cycle()
            .take(100_000)
            .collect();
        #[allow(unused_mut)]
        let mut codings = vec![
            ContentCoding::Identity,
            ContentCoding::Gzip,
            ContentCoding::Deflate,
        ];
        #[cfg(feature = "brotli")]
        codings.push(ContentCoding::Brotli);
        for coding in codings {
            let mut encoder = Encoder::new(coding);
            let mut encoded = Vec::new();
            for piece in text.chunks(7_000) {
                encoded.extend(encoder.encode(piece.to_vec()));
            }
            encoded.extend(encoder.finish());
            let mut decoder = Decoder::new(coding);
            let mut decoded = Vec::new();
            for piece in encoded.chunks(333) {
                decoded.extend(decoder.decode(piece).expect("decodes"));
            }
            decoded.extend(decoder.finish().expect("complete"));
            assert_eq!(decoded, text, "{coding:?}");
        }
    }

    #[test]
    fn a_truncated_stream_is_an_error() {
        let mut encoder = Encoder::new(ContentCoding::Gzip);
        let mut encoded = encoder.encode(b"hello world".repeat(100));
        encoded.extend(encoder.finish());
        let mut decoder = Decoder::new(ContentCoding::Gzip);
        let _ = decoder.decode(&encoded[..encoded.len() / 2]);
        assert!(decoder.finish().is_err());
    }

    #[test]
    fn content_encoding_headers_are_read() {
        assert_eq!(
            ContentCoding::from_header(None),
            Some(ContentCoding::Identity)
        );
        assert_eq!(
            ContentCoding::from_header(Some("GZIP")),
            Some(ContentCoding::Gzip)
        );
        #[cfg(feature = "brotli")]
        assert_eq!(
            ContentCoding::from_header(Some("br")),
            Some(ContentCoding::Brotli)
        );
        assert_eq!(ContentCoding::from_header(Some("zstd")), None);
        assert_eq!(ContentCoding::from_header(Some("gzip, br")), None);
    }
}
