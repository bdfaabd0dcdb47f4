//! The opt-out page: where the banner's "Do Not Sell or Share My Personal Information" link
//! leads. A plain form, so it works without JavaScript, and no inline script or style, so a
//! strict Content-Security-Policy lets it through as it is.

use std::fmt::Write;

use consentry_config::BannerSettings;

use crate::texts::Texts;
use crate::{escape_html, Assets, Language};

/// Renders the opt-out page as a whole HTML document: what opting out does, and either a
/// form that posts `action=opt_out` with `return_to` to `endpoint`, or, when the visitor has
/// `opted_out` already, the confirmation. `return_to` (a path on this site) is also where
/// its "Back to the site" link goes. Styled by the banner's stylesheet.
pub fn opt_out_page(
    language: Language,
    settings: &BannerSettings,
    endpoint: &str,
    return_to: &str,
    opted_out: bool,
    privacy_url: Option<&str>,
    assets: &Assets,
) -> String {
    let t = Texts::new(language, &settings.texts);
    let title = escape_html(&t.opt_out_link);
    let return_to = escape_html(return_to);
    let mut html = String::with_capacity(2048);
    let _ = write!(
        html,
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta name=\"robots\" content=\"noindex\"><title>{title}</title><link rel=\"stylesheet\" href=\"{css}\"></head><body><main class=\"consentry cy-doc\" lang=\"{lang}\"><div class=\"cy-box\"><h1>{title}</h1><p>{explain}</p><p>{gpc}</p>",
        lang = language.code(),
        css = assets.css.path,
        explain = escape_html(&t.opt_out_explain),
        gpc = escape_html(&t.opt_out_gpc),
    );
    if opted_out {
        let _ = write!(
            html,
            "<p class=\"cy-done\" role=\"status\">{}</p>",
            escape_html(&t.opted_out)
        );
    } else {
        let _ = write!(
            html,
            "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"action\" value=\"opt_out\"><input type=\"hidden\" name=\"return_to\" value=\"{return_to}\"><div class=\"cy-actions\"><button type=\"submit\">{}</button></div></form>",
            escape_html(endpoint),
            escape_html(&t.opt_out_button),
        );
    }
    let _ = write!(
        html,
        "<p class=\"cy-links\"><a href=\"{return_to}\">{}</a>",
        escape_html(&t.back_to_site)
    );
    if let Some(url) = privacy_url {
        let _ = write!(
            html,
            " <a href=\"{}\">{}</a>",
            escape_html(url),
            escape_html(&t.privacy)
        );
    }
    html.push_str("</p></div></main></body></html>");
    html
}
