//! Black-box tests: a real origin and the real `consentry` binary on ephemeral loopback ports,
//! spoken to over HTTP as a browser would.

mod support;

mod admin;
mod analytics;
mod audit;
mod cli;
mod consent;
mod cookies;
mod csp;
mod hardening;
mod hosts;
mod html;
mod inventory;
mod proxy;
mod records;
mod regimes;
mod tcf;
mod vendor_list;
