//! Consentry's consent banner: the HTML a page gets, in the visitor's language and for their
//! consent regime and state, the opt-out page, and the CSS and JS assets they load from the
//! site's own origin.
//!
//! Everything rendered here is ASCII: characters outside ASCII are written as HTML character
//! references, so the banner can be injected into a page of any ASCII-compatible charset.

mod assets;
mod cookies;
mod escape;
mod guard;
mod language;
mod render;
mod tcf;
mod tcf_layer;
mod texts;
mod theme;

pub use assets::{Asset, Assets, ASSET_PREFIX};
pub use cookies::{CookieList, ListedCookie, VendorCookies};
pub use escape::escape_html;
pub use language::Language;
pub use render::{embed_placeholder, opt_out_page, render, BannerView, OPT_OUT_PATH};
pub use tcf::{tcf_data_block, TCF_DATA_ID, TCF_STUB};
pub use tcf_layer::{TcfEntry, TcfLayer, TcfLayerVendor, TcfStorage, TcfUse, TcfWords};
pub use texts::{lifetime as lifetime_in_words, Texts};
pub use theme::theme_css;
