//! The dashboard and its accounts: the pages and API under `/__consentry/admin` and
//! `/__consentry/api/`, behind a login, the same on both hosts.

pub mod dashboard;
