//! Small responses the gateway writes itself: the engine's pages (the same words and headers
//! as the Worker's), with the native body type.

use std::borrow::Cow;

use bytes::Bytes;
use consentry_engine::pages::Page;
use http::Response;
use http_body_util::{BodyExt, Empty, Full};

use crate::ResponseBody;

/// A whole body from bytes.
pub fn full(bytes: impl Into<Bytes>) -> ResponseBody {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed_unsync()
}

/// No body.
pub fn empty() -> ResponseBody {
    Empty::new().map_err(|never| match never {}).boxed_unsync()
}

/// One of the engine's pages as a response.
pub fn from_engine(page: Page) -> Response<ResponseBody> {
    page.map(|body| match body {
        Cow::Borrowed([]) => empty(),
        Cow::Borrowed(bytes) => full(Bytes::from_static(bytes)),
        Cow::Owned(bytes) => full(bytes),
    })
}
