//! The native Consentry gateway: a hyper reverse proxy that hands every request and response
//! to the engine, keeps consent records in the store, and serves Consentry's own paths.
//!
//! `consentry` (in `main.rs`) is the command around it.

pub mod admin_cli;
pub mod audit;
mod browser;
pub mod demo;
mod entropy;
mod gateway;
pub mod geo;
pub mod host;
mod limits;
pub mod log_cli;
pub mod metrics;
mod pages;
mod proxy;
pub mod reload;
mod rewritten_body;
pub mod scan;
pub mod secret;
mod server;
pub mod store;
pub mod tcf_cli;
mod upstream;

pub use entropy::{random_bytes, unix_now};
pub use gateway::{flush_analytics_periodically, prune_periodically, Gateway, GatewayError};
pub use server::{
    serve, tls_acceptor as server_tls, ConnectionLimits, Listening, TlsError, MAX_REQUEST_HEAD,
};

/// The body type of every response the gateway sends.
pub type ResponseBody = http_body_util::combinators::UnsyncBoxBody<bytes::Bytes, BoxError>;

/// An error of any origin inside a body stream.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
