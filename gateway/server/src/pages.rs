//! Small responses the gateway writes itself: the engine's pages (the same words and headers
//! as the Worker's), with the native body type.

use std::borrow::Cow;

use bytes::Bytes;
use consentry_banner::Asset;
use consentry_engine::pages::{self as engine, Page};
use http::{Method, Response, StatusCode};
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

/// A plain-text answer with a reason, for clients of Consentry's own endpoints.
pub fn text(status: StatusCode, message: &str) -> Response<ResponseBody> {
    from_engine(engine::text(status, message))
}

/// A 303 to a path on the same site.
pub fn see_other(location: &str) -> Response<ResponseBody> {
    from_engine(engine::see_other(location))
}

/// 405 with the methods the path takes.
pub fn method_not_allowed(allow: &'static str) -> Response<ResponseBody> {
    from_engine(engine::method_not_allowed(allow))
}

/// A banner asset, cached for a year: its name changes with its content.
pub fn asset(asset: &Asset, method: &Method) -> Response<ResponseBody> {
    from_engine(engine::asset(asset, method))
}
