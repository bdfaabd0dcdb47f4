//! The HTML pass, as a host drives it: `prepare_response` decides on the body, the body goes
//! through chunk by chunk, decoded and encoded again. Never a panic or an error for a page it
//! can decode; the same output however the page is cut into chunks and whichever coding it
//! came in; a body that is not what its coding says is an error, not a panic.
//!
//! Input: a coding byte, a grants byte, a charset byte, a count of chunk sizes and the sizes,
//! then the page.
#![no_main]

use std::io::{Read, Write};

use consentry_engine::{BodyError, BodyPlan, RequestInfo, VisitorConsent};
use http::header::{HeaderValue, CONTENT_ENCODING, CONTENT_TYPE};
use http::{HeaderMap, Method, StatusCode};
use libfuzzer_sys::fuzz_target;

/// How the page reaches the gateway.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Coding {
    Identity,
    Gzip,
    Deflate,
    Brotli,
}

impl Coding {
    fn header(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gzip"),
            Coding::Deflate => Some("deflate"),
            Coding::Brotli => Some("br"),
        }
    }

    fn encode(self, page: &[u8]) -> Vec<u8> {
        let level = flate2::Compression::fast();
        match self {
            Coding::Identity => page.to_vec(),
            Coding::Gzip => {
                let mut e = flate2::write::GzEncoder::new(Vec::new(), level);
                e.write_all(page).expect("in memory");
                e.finish().expect("in memory")
            }
            Coding::Deflate => {
                let mut e = flate2::write::ZlibEncoder::new(Vec::new(), level);
                e.write_all(page).expect("in memory");
                e.finish().expect("in memory")
            }
            Coding::Brotli => {
                let mut out = Vec::new();
                let mut e = brotli::CompressorWriter::new(&mut out, 4096, 1, 18);
                e.write_all(page).expect("in memory");
                drop(e);
                out
            }
        }
    }

    fn decode(self, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Coding::Identity => out.extend_from_slice(body),
            Coding::Gzip => {
                flate2::read::MultiGzDecoder::new(body)
                    .read_to_end(&mut out)
                    .expect("the gateway's gzip decodes");
            }
            Coding::Deflate => {
                flate2::read::ZlibDecoder::new(body)
                    .read_to_end(&mut out)
                    .expect("the gateway's deflate decodes");
            }
            Coding::Brotli => {
                brotli::Decompressor::new(body, 4096)
                    .read_to_end(&mut out)
                    .expect("the gateway's brotli decodes");
            }
        }
        out
    }
}

const CODINGS: [Coding; 4] = [
    Coding::Identity,
    Coding::Gzip,
    Coding::Deflate,
    Coding::Brotli,
];
const CHARSETS: [Option<&str>; 6] = [
    None,
    Some("utf-8"),
    Some("windows-1252"),
    Some("shift_jis"),
    Some("iso-8859-2"),
    Some("utf-16le"),
];

/// The page as the visitor receives it, or why the gateway refused it.
fn serve(
    body: &[u8],
    coding: Coding,
    charset: Option<&str>,
    consent: &VisitorConsent,
    sizes: &[u8],
) -> Option<Result<Vec<u8>, BodyError>> {
    let site = consentry_fuzz::site();
    let mut headers = HeaderMap::new();
    let content_type = match charset {
        Some(c) => format!("text/html; charset={c}"),
        None => "text/html".to_owned(),
    };
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(&content_type).expect("ascii"),
    );
    if let Some(coding) = coding.header() {
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    let method = Method::GET;
    let info = RequestInfo {
        method: &method,
        path_and_query: "/a?b=c",
        accept_language: Some("nl, en;q=0.5"),
        place: None,
    };
    let (_, plan) =
        site.prepare_response(consent, &info, StatusCode::OK, &mut headers, 1_700_000_000);
    let BodyPlan::Rewrite(mut rewriter) = plan else {
        return None;
    };
    let mut out = Vec::new();
    for chunk in consentry_fuzz::chunks(body, sizes) {
        match rewriter.push(chunk) {
            Ok(bytes) => out.extend_from_slice(&bytes),
            Err(e) => return Some(Err(e)),
        }
    }
    Some(rewriter.finish().map(|(tail, _stats)| {
        out.extend_from_slice(&tail);
        out
    }))
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let (mode, grants, charset, count) = (data[0], data[1], data[2], data[3]);
    let count = usize::from(count % 16).min(data.len() - 4);
    let sizes = &data[4..4 + count];
    let page = &data[4 + count..];
    let charset = CHARSETS[usize::from(charset) % CHARSETS.len()];
    let consent = VisitorConsent {
        grants: consentry_fuzz::grants(grants),
        ..VisitorConsent::undecided(grants & 0x80 != 0)
    };

    if mode & 0x80 != 0 {
        // Bytes that claim a coding they may not have: an error or a page, never a panic.
        let coding = CODINGS[usize::from(mode) % CODINGS.len()];
        let _ = serve(page, coding, charset, &consent, sizes);
        return;
    }

    let coding = CODINGS[usize::from(mode) % CODINGS.len()];
    // The reference: the page in one piece, uncompressed.
    let Some(whole) = serve(page, Coding::Identity, charset, &consent, &[]) else {
        // Only a charset the rewriter cannot work in passes unrewritten.
        assert_eq!(charset, Some("utf-16le"));
        return;
    };
    let whole = match whole {
        Ok(out) => out,
        Err(e) => panic!("a page in one piece was refused: {e}"),
    };
    let encoded = coding.encode(page);
    let cut = match serve(&encoded, coding, charset, &consent, sizes) {
        Some(Ok(out)) => out,
        Some(Err(e)) => panic!("{coding:?} in chunks {sizes:?} was refused: {e}"),
        None => panic!("{coding:?} passed unrewritten"),
    };
    let cut = coding.decode(&cut);
    assert!(
        cut == whole,
        "{coding:?} in chunks {sizes:?} differs from the page in one piece:\n{}\n---\n{}",
        String::from_utf8_lossy(&whole),
        String::from_utf8_lossy(&cut)
    );
});
