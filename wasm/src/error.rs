//! What can go wrong in the Worker, by where it came from.

use consentry_engine::store::StoreError;

/// An error of the Worker's own making, or of its environment.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkerError {
    /// A setting is missing or wrong (the Worker's variables and secrets).
    #[error("configuration: {0}")]
    Config(String),
    /// The runtime refused an operation (headers, streams, fetch).
    #[error("runtime: {0}")]
    Runtime(String),
    /// The consent log in D1 failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl WorkerError {
    /// A runtime error from a JavaScript value.
    pub fn js(context: &str, value: &wasm_bindgen::JsValue) -> WorkerError {
        WorkerError::Runtime(format!("{context}: {}", js_text(value)))
    }
}

/// The text of a JavaScript error or value, for logs and messages.
pub fn js_text(value: &wasm_bindgen::JsValue) -> String {
    if let Some(error) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Error>(value) {
        return String::from(error.message());
    }
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}
