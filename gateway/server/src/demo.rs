//! The bundled example site for `consentry demo`: a coffee roaster's pages with Google Tag
//! Manager, GA4, the Meta Pixel, Hotjar and a YouTube embed, served by a small origin that sets
//! a session cookie, an XSRF token and a server-side tracker cookie. A switch on its pages
//! (`?region=DE`, `US-CA`, `unknown`) shows the consent regime of a visitor from elsewhere.

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;

use consentry_engine::{Place, RequestCookies};

use crate::{random_bytes, unix_now};

struct Page {
    path: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const PAGES: &[Page] = &[
    Page {
        path: "/",
        content_type: "text/html; charset=utf-8",
        body: include_str!("../demo/index.html"),
    },
    Page {
        path: "/about.html",
        content_type: "text/html; charset=utf-8",
        body: include_str!("../demo/about.html"),
    },
    Page {
        path: "/shop.html",
        content_type: "text/html; charset=utf-8",
        body: include_str!("../demo/shop.html"),
    },
    Page {
        path: "/privacy.html",
        content_type: "text/html; charset=utf-8",
        body: include_str!("../demo/privacy.html"),
    },
    Page {
        path: "/news.html",
        content_type: "text/html; charset=utf-8",
        body: include_str!("../demo/news.html"),
    },
    Page {
        path: "/ads/vendor.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../demo/ads/vendor.js"),
    },
    Page {
        path: "/css/site.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../demo/css/site.css"),
    },
    Page {
        path: "/js/app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../demo/js/app.js"),
    },
    Page {
        path: "/js/stats.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../demo/js/stats.js"),
    },
    Page {
        path: "/img/bean.svg",
        content_type: "image/svg+xml",
        body: include_str!("../demo/img/bean.svg"),
    },
];

/// Starts the demo origin on `addr` (port 0 for any) and returns the address it listens on.
pub async fn start_origin(addr: SocketAddr) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let service =
                    service_fn(|request| async move { Ok::<_, Infallible>(answer(&request)) });
                if let Err(e) = auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await
                {
                    tracing::debug!(error = %e, "demo origin connection ended");
                }
            });
        }
    });
    Ok(local)
}

/// The Global Vendor List of `consentry demo --tcf`: a GVL v3 test list with two vendors
/// (from the IAB's iabtcf-java, Apache-2.0; see NOTICE).
pub const VENDOR_LIST: &str = include_str!("../demo/tcf/vendor-list.json");

/// The cookie the demo keeps the visitor's chosen region in, so every page and the consent
/// endpoint see the same place. Only the demo's gateway reads it ([`demo_place`]).
pub const REGION_COOKIE: &str = "consentry_demo_region";

/// Where the demo's visitor is: the `region` query parameter (`DE`, `US-CA`, `unknown`), else
/// the region cookie the demo site set when it was last given. `None` when neither says.
pub fn demo_place(query: Option<&str>, headers: &http::HeaderMap) -> Option<Place> {
    let from_query = query.and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "region")
            .map(|(_, v)| v.into_owned())
    });
    let code = from_query.or_else(|| {
        RequestCookies::from_headers(headers)
            .values(REGION_COOKIE)
            .next()
            .map(str::to_owned)
    })?;
    let (country, region) = match code.split_once('-') {
        Some((country, region)) => (country, Some(region)),
        None => (code.as_str(), None),
    };
    Some(Place::from_codes(Some(country), region))
}

/// The `Set-Cookie` that keeps a region chosen with `?region=` for the next pages.
fn region_cookie(query: Option<&str>) -> Option<String> {
    let region = url::form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == "region")?
        .1;
    let valid = !region.is_empty()
        && region.len() <= 8
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    Some(if valid {
        format!("{REGION_COOKIE}={region}; Path=/; SameSite=Lax")
    } else {
        format!("{REGION_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax")
    })
}

fn answer(request: &Request<Incoming>) -> Response<Full<Bytes>> {
    let mut response = page(request);
    if let Some(cookie) = region_cookie(request.uri().query()) {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn page(request: &Request<Incoming>) -> Response<Full<Bytes>> {
    let path = match request.uri().path() {
        "/index.html" => "/",
        other => other,
    };
    if request.method() == Method::POST && path == "/newsletter" {
        let mut response = Response::new(Full::new(Bytes::new()));
        *response.status_mut() = StatusCode::SEE_OTHER;
        response
            .headers_mut()
            .insert(header::LOCATION, HeaderValue::from_static("/?subscribed=1"));
        return response;
    }
    if path == "/cookies.txt" {
        // Shows what reached the origin: the cookies the gateway let through.
        let cookies = request
            .headers()
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let mut response = Response::new(Full::new(Bytes::from(format!("{cookies}\n"))));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        return response;
    }
    let Some(page) = PAGES.iter().find(|p| p.path == path) else {
        let mut response = Response::new(Full::new(Bytes::from_static(
            b"<!doctype html><title>Not found</title><h1>Not found</h1>",
        )));
        *response.status_mut() = StatusCode::NOT_FOUND;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        return response;
    };
    let mut response = Response::new(Full::new(Bytes::from_static(page.body.as_bytes())));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(page.content_type),
    );
    if page.content_type.starts_with("text/html") {
        let has_session = request
            .headers()
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.split(';').any(|p| p.trim_start().starts_with("session=")));
        let token = random_bytes::<16>()
            .map(hex::encode)
            .unwrap_or_else(|_| unix_now().to_string());
        let mut cookies = vec![
            format!("XSRF-TOKEN={token}; Path=/; SameSite=Lax"),
            format!(
                "_fbp=fb.1.{}.{}; Max-Age=7776000; Path=/; SameSite=Lax",
                unix_now(),
                &token[..10.min(token.len())]
            ),
        ];
        if !has_session {
            cookies.push(format!("session={token}; Path=/; HttpOnly; SameSite=Lax"));
        }
        for cookie in cookies {
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                headers.append(header::SET_COOKIE, value);
            }
        }
    }
    response
}
