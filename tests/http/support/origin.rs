//! A real origin on a loopback port: the pages, cookies and encodings the tests need, and a
//! log of what reached it.

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Request, Response, StatusCode};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// A page with every kind of tracker the gateway neutralises and first-party content it
/// must leave alone.
pub const TRACKED_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<link rel="preconnect" href="https://www.googletagmanager.com">
<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;j.src='https://www.googletagmanager.com/gtm.js?id='+i;f.parentNode.insertBefore(j,f);})(window,document,'script','dataLayer','GTM-TEST');</script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-TEST"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date()); gtag('config', 'G-TEST');</script>
<script>!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments):n.queue.push(arguments)};t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,document,'script','https://connect.facebook.net/en_US/fbevents.js');fbq('init','1');fbq('track','PageView');</script>
<script src="https://static.hotjar.com/c/hotjar-1.js?sv=6"></script>
<script src="/js/app.js"></script>
<script>document.documentElement.dataset.ready = "1";</script>
</head><body>
<noscript><img height="1" width="1" style="display:none" src="https://www.facebook.com/tr?id=1&ev=PageView&noscript=1"/></noscript>
<h1>Welcome</h1>
<img src="/img/logo.png" alt="Logo">
<iframe width="560" height="315" src="https://www.youtube.com/embed/abc" title="Video"></iframe>
<p>Fine coffee.</p>
</body></html>"#;

/// A publisher's page with ad tech: Google's ad tag (a TCF vendor), a second vendor's tag the
/// catalogue does not know, and the Meta Pixel; served with a Content-Security-Policy.
pub const ADS_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>News</title>
<script async src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>
<script src="https://ads.vendor-two.test/tag.js"></script>
<script src="https://connect.facebook.net/en_US/fbevents.js"></script>
</head><body><p>Today's article.</p></body></html>"#;

/// The policy [`ADS_PAGE`] comes with.
pub const ADS_POLICY: &str = "script-src 'self' https:";

/// The `Set-Cookie` headers the origin sends with its pages.
pub const PAGE_COOKIES: [&str; 5] = [
    "session=s3cr3t; Path=/; HttpOnly; SameSite=Lax",
    "XSRF-TOKEN=tok; Path=/; SameSite=Lax",
    "_ga=GA1.1.123.456; Max-Age=63072000; Path=/",
    "_gid=GA1.1.789.456; Max-Age=86400; Path=/",
    "_fbp=fb.1.456.789; Max-Age=7776000; Path=/",
];

/// Bytes of a binary file that must pass byte for byte.
pub fn binary_body() -> Vec<u8> {
    (0..=255u8).cycle().take(70_000).collect()
}

/// What reached the origin.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The request's path and query.
    pub path: String,
    /// Its headers as the origin got them.
    pub headers: HeaderMap,
}

type Body = BoxBody<Bytes, Infallible>;

/// A running origin.
pub struct Origin {
    /// Its address.
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Lets `/slow` send the rest of its page.
    pub release: Arc<Notify>,
    scheme: &'static str,
}

impl Origin {
    /// Starts the origin on a free loopback port.
    pub async fn start() -> Origin {
        Origin::start_with(None).await
    }

    /// Starts the origin over TLS with this certificate and key (PEM).
    pub async fn start_tls(cert_pem: &str, key_pem: &str) -> Origin {
        use rustls_pki_types::pem::PemObject;
        let certs = rustls_pki_types::CertificateDer::pem_slice_iter(cert_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .expect("certificate");
        let key = rustls_pki_types::PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).expect("key");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocols")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("server config");
        Origin::start_with(Some(tokio_rustls::TlsAcceptor::from(Arc::new(config)))).await
    }

    async fn start_with(tls: Option<tokio_rustls::TlsAcceptor>) -> Origin {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind origin");
        let scheme = if tls.is_some() { "https" } else { "http" };
        let addr = listener.local_addr().expect("origin address");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let release = Arc::new(Notify::new());
        let (seen2, release2) = (Arc::clone(&seen), Arc::clone(&release));
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (seen, release, tls) = (Arc::clone(&seen2), Arc::clone(&release2), tls.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let (seen, release) = (Arc::clone(&seen), Arc::clone(&release));
                        async move { Ok::<_, Infallible>(answer(request, &seen, &release).await) }
                    });
                    let builder = auto::Builder::new(TokioExecutor::new());
                    match tls {
                        None => {
                            let _ = builder
                                .serve_connection_with_upgrades(TokioIo::new(stream), service)
                                .await;
                        }
                        Some(acceptor) => {
                            if let Ok(stream) = acceptor.accept(stream).await {
                                let _ = builder
                                    .serve_connection_with_upgrades(TokioIo::new(stream), service)
                                    .await;
                            }
                        }
                    }
                });
            }
        });
        Origin {
            addr,
            seen,
            release,
            scheme,
        }
    }

    /// The origin's URL.
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// The last request that reached `path`.
    pub fn last(&self, path: &str) -> Option<Seen> {
        self.seen
            .lock()
            .expect("lock")
            .iter()
            .rev()
            .find(|s| s.path == path)
            .cloned()
    }

    /// The `Cookie` header of the last request for `path` ("" when there was none).
    pub fn cookies_at(&self, path: &str) -> String {
        self.last(path)
            .and_then(|s| {
                s.headers
                    .get(header::COOKIE)
                    .map(|v| v.to_str().unwrap_or("").to_owned())
            })
            .unwrap_or_default()
    }
}

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).boxed()
}

fn html(body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    for cookie in PAGE_COOKIES {
        response
            .headers_mut()
            .append(header::SET_COOKIE, HeaderValue::from_static(cookie));
    }
    response
}

async fn answer(
    mut request: Request<Incoming>,
    seen: &Mutex<Vec<Seen>>,
    release: &Arc<Notify>,
) -> Response<Body> {
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or("/".to_owned(), |p| p.as_str().to_owned());
    let path_only = request.uri().path().to_owned();
    let path = path_only.as_str();
    seen.lock().expect("lock").push(Seen {
        path: path_and_query.clone(),
        headers: request.headers().clone(),
    });
    match request.uri().path() {
        "/page" => html(full(TRACKED_PAGE)),
        "/ads" => {
            let mut response = html(full(ADS_PAGE));
            response.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(ADS_POLICY),
            );
            response
        }
        // Any number of small pages, for counting page views.
        p if p.starts_with("/site/") => html(full(
            "<!doctype html><html><head><title>Page</title></head><body><p>Hello</p></body></html>",
        )),
        "/gzip" => {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(TRACKED_PAGE.as_bytes()).expect("gzip");
            let mut response = html(full(encoder.finish().expect("gzip")));
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            response
        }
        "/brotli" => {
            let mut out = Vec::new();
            {
                let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                encoder.write_all(TRACKED_PAGE.as_bytes()).expect("brotli");
            }
            let mut response = html(full(out));
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            response
        }
        "/logo.bin" => {
            let mut response = Response::new(full(binary_body()));
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(70_000));
            headers.append(
                header::SET_COOKIE,
                HeaderValue::from_static("_ga=GA1.1.1.1; Max-Age=100; Path=/"),
            );
            response
        }
        "/slow" => {
            // The first half of a large page, then nothing until the test releases the rest.
            let head = format!(
                "<!doctype html><html><head><title>Big</title></head><body><p>{}</p>",
                "a".repeat(64 * 1024)
            );
            let tail = format!("<p>{}</p></body></html>", "b".repeat(64 * 1024));
            let release = Arc::clone(release);
            let frames = futures_util::stream::unfold(0u8, move |step| {
                let (head, tail, release) = (head.clone(), tail.clone(), Arc::clone(&release));
                async move {
                    match step {
                        0 => Some((Ok::<_, Infallible>(Frame::data(Bytes::from(head))), 1)),
                        1 => {
                            release.notified().await;
                            Some((Ok(Frame::data(Bytes::from(tail))), 2))
                        }
                        _ => None,
                    }
                }
            });
            let mut response = Response::new(StreamBody::new(frames).boxed());
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            response
        }
        // A page whose own script sets a cookie: the origin never sends it, only browsers do.
        "/script-cookie" => html(full(
            "<!doctype html><html><head><title>Chat</title><script>document.cookie = \"chat_open=1; max-age=86400; path=/\";</script></head><body><p>Chat</p></body></html>",
        )),
        "/app-login" => {
            let mut response = Response::new(full("welcome"));
            response.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_static("app_flag=1; Path=/; HttpOnly; Max-Age=3600"),
            );
            response
        }
        "/upload" => {
            // Counts the bytes of the request body as they stream in.
            let mut body = request.into_body();
            let mut total = 0usize;
            while let Some(frame) = body.frame().await {
                match frame {
                    Ok(frame) => total += frame.data_ref().map_or(0, |d| d.len()),
                    Err(_) => break,
                }
            }
            let mut response = Response::new(full(total.to_string()));
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            response
        }
        // Decompression bombs: 300 MiB of HTML in 300 KB of gzip, 4 GiB in 3 KB of brotli,
        // each with a tracker script at the top.
        "/bomb.gz" | "/bomb.br" => {
            let (body, coding): (&'static [u8], &'static str) = if path == "/bomb.gz" {
                (include_bytes!("../fixtures/bomb-300mib.html.gz"), "gzip")
            } else {
                (include_bytes!("../fixtures/bomb-4gib.html.br"), "br")
            };
            let mut response = html(full(Bytes::from_static(body)));
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
            response
        }
        // Latin-1 bytes (é is 0xE9) declared in Content-Type.
        "/latin1" => {
            let page = b"<!doctype html><html><head><title>Caf\xe9</title><script src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script></head><body><p>Caf\xe9 cr\xe8me</p></body></html>";
            let mut response = html(full(page.to_vec()));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=iso-8859-1"),
            );
            response
        }
        // Declared UTF-8, with bytes that are not.
        "/invalid-utf8" => html(full(
            &b"<!doctype html><html><head><title>\xff\xfe</title><script src=\"https://connect.facebook.net/en_US/fbevents.js\"></script></head><body><p>bad \xc3\x28 bytes \xed\xa0\x80</p></body></html>"[..],
        )),
        // A charset the rewriter cannot work in: the page passes byte for byte.
        "/utf16" => {
            let text = "<html><head><script src=\"https://www.googletagmanager.com/gtm.js\"></script></head><body>hi</body></html>";
            let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
            let mut response = html(full(bytes));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-16le"),
            );
            response
        }
        // No <html>, <head> or <body>: a fragment with a tracker.
        "/no-head" => html(full(
            "<p>Just a fragment</p><script src=\"https://www.googletagmanager.com/gtag/js?id=G-2\"></script>",
        )),
        // Plain words served as HTML.
        "/bare-text" => html(full("hello, no tags at all")),
        "/delay" => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            html(full("<p>late</p>"))
        }
        "/ws" => {
            // A protocol switch, then an echo of whatever the client sends.
            let upgrade = hyper::upgrade::on(&mut request);
            tokio::spawn(async move {
                if let Ok(upgraded) = upgrade.await {
                    let mut io = TokioIo::new(upgraded);
                    let mut buf = [0u8; 1024];
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    while let Ok(n) = io.read(&mut buf).await {
                        if n == 0 || io.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                }
            });
            let mut response = Response::new(full(Bytes::new()));
            *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
            response
                .headers_mut()
                .insert(header::UPGRADE, HeaderValue::from_static("echo"));
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
            response
        }
        _ => {
            let mut response = Response::new(full("not found"));
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        }
    }
}

/// What a [`RawOrigin`] does after writing its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// Close the connection cleanly.
    Close,
    /// Reset it (RST).
    Reset,
    /// Keep it open and send nothing more.
    Hang,
    /// Keep it open until the next request arrives, then close it unanswered: an origin that
    /// timed out an idle keep-alive connection just as it was reused.
    CloseOnReuse,
}

/// An origin that answers every connection with exactly these bytes, whatever it is asked,
/// then closes, resets or hangs: for answers hyper would never write (truncated bodies,
/// malformed headers, bytes that are not UTF-8).
pub struct RawOrigin {
    /// Its address.
    pub addr: SocketAddr,
}

impl RawOrigin {
    /// Starts it on a free loopback port.
    pub async fn start(answer: Vec<u8>, then: Then) -> RawOrigin {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind raw origin");
        let addr = listener.local_addr().expect("address");
        let answer = Arc::new(answer);
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    continue;
                };
                let answer = Arc::clone(&answer);
                tokio::spawn(async move {
                    // Read the request head, then answer.
                    let mut head = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    if stream.write_all(&answer).await.is_err() {
                        return;
                    }
                    let _ = stream.flush().await;
                    match then {
                        Then::Close => {
                            let _ = stream.shutdown().await;
                        }
                        Then::Reset => {
                            let socket = socket2::SockRef::from(&stream);
                            let _ = socket.set_linger(Some(Duration::ZERO));
                            drop(stream);
                        }
                        Then::Hang => {
                            tokio::time::sleep(Duration::from_secs(300)).await;
                        }
                        Then::CloseOnReuse => {
                            let _ = stream.read(&mut buf).await;
                            let _ = stream.shutdown().await;
                        }
                    }
                });
            }
        });
        RawOrigin { addr }
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}
