//! Consentry's engine: everything that decides, with no I/O.
//!
//! It classifies cookies, reads and signs the visitor's consent, filters `Cookie` and
//! `Set-Cookie`, rewrites HTML as it streams, and turns decisions into records. It has no
//! clock, no randomness and no sockets: the hosts (the native gateway and the Cloudflare
//! Worker) hand those in, move the bytes and keep the state.
//!
//! The path of a request through a host:
//!
//! 1. [`Engine::site_for_host`] picks the site; [`SiteEngine::route`] says whether the
//!    path is the origin's or Consentry's own.
//! 2. [`SiteEngine::prepare_request`] reads the consent and strips the `Cookie` header.
//! 3. [`SiteEngine::prepare_response`] filters `Set-Cookie` and says whether the body is
//!    rewritten; a [`BodyRewriter`] then takes the body chunk by chunk.
//! 4. A posted decision is parsed by [`parse_decision`] and answered by
//!    [`SiteEngine::decide`], whose record the host stores before answering.
//!
//! Around that, [`forwarding`] sets the headers between visitor and origin and joins the
//! origin's URL, and [`pages`] writes every answer Consentry gives itself (error pages, the
//! consent endpoint's and the receipt page's answers), so that both hosts answer alike.

pub mod admin;
pub mod analytics;
mod bits;
mod body;
pub mod chain;
mod classify;
mod codec;
mod consent;
mod consent_cookie;
pub mod cookie_shape;
mod csp;
mod decision;
mod engine;
mod erasure;
pub mod exchange;
pub mod forwarding;
mod glob;
pub mod gpp;
mod grants;
mod html;
pub mod inventory;
pub mod ops;
pub mod pages;
mod paths;
mod place;
mod receipt;
mod record;
mod request;
mod request_cookies;
pub mod schema;
mod set_cookie;
mod site;
mod storage;
pub mod store;
pub mod tcf;
pub mod tcf_layer;
mod tcf_site;
mod trackers;
pub mod user_agent;

pub use body::{BodyError, BodyRewriter, EXPANSION_FLOOR, MAX_DECODED_BYTES, MAX_EXPANSION};
pub use classify::{Classification, CookieClassifier, CookieTraits, Source};
pub use codec::{CodingError, ContentCoding};
pub use consent::{Disregarded, Policy, VisitorConsent};
pub use consent_cookie::{
    consent_id_from, ConsentCookie, CookieSigner, InvalidConsentCookie, CONSENT_COOKIE,
};
pub use decision::{
    parse_decision, safe_return_path, BadDecision, DecisionKind, DecisionOutcome, DecisionRequest,
    MAX_DECISION_BODY,
};
pub use engine::Engine;
pub use erasure::erasure_detail;
pub use grants::Grants;
pub use html::{
    consent_mode_defaults, consent_mode_hash, csp_hash, BodyHtml, PageContext, PageFindings,
    PageRewriter, Placeholder, RewriteError, RewriteStats,
};
pub use paths::{CONSENT_PATH, ERASE_PATH, RECEIPT_PATH};
pub use place::Place;
pub use receipt::{format_time, render_receipt, ReceiptView};
pub use record::{browser_family, truncate_ip, ConsentRecord, IpRecording, RecordKind, Visitor};
pub use request::{host_without_port, is_same_origin, RequestInfo};
pub use request_cookies::{CookieFilter, RequestCookies};
pub use set_cookie::{expiring_set_cookies, filter_set_cookies, SetCookieFilter};
pub use site::{Asked, BodyPlan, Route, SiteEngine};
pub use tcf_layer::{TcfLayers, TranslatedGvl};
pub use tcf_site::{SiteTcfEngine, TcfAsk, TcfVendor, TcfView, TC_COOKIE};
pub use trackers::{Tracker, TrackerIndex};
