//! Rendering the banner for one page view.
//!
//! The banner is a plain form that posts to the consent endpoint, so it works without
//! JavaScript; the script only makes the same form answer without a reload. Its state is in
//! the markup, since the consent cookie is `HttpOnly`: a `<div>` asks or informs, a `<details>`
//! is the "Cookie settings" control of a visitor who has decided (`data-granted` lists what
//! runs, `data-regime` says under which consent model).

use std::fmt::Write;

use consentry_config::{BannerSettings, Category, Regime};

use crate::tcf_layer::{render_tcf_layer, TcfLayer};
use crate::texts::{lifetime, Texts};
use crate::{escape_html, theme_css, Assets, CookieList, Language};

mod opt_out;

pub use opt_out::opt_out_page;

/// The page where a visitor opts out of the sale and sharing of their personal information,
/// linked from the banner under the opt-out regime.
pub const OPT_OUT_PATH: &str = "/__consentry/opt-out";

/// What the banner needs to know about the page view it is rendered for.
#[derive(Debug, Clone)]
pub struct BannerView<'a> {
    /// The visitor's language.
    pub language: Language,
    /// The categories granted, or `None` when the visitor has not decided yet.
    pub decided: Option<&'a [Category]>,
    /// The consent model that applies where the visitor is: it decides what the banner asks
    /// and how (nothing at all under [`Regime::None`]).
    pub regime: Regime,
    /// The optional categories that run while the visitor has not decided, as the regime
    /// allows them before a decision (none under opt-in; all under a notice; all, or all but
    /// marketing under Global Privacy Control, under opt-out). The switches show them until
    /// the visitor decides; once `decided` is set it is not used.
    pub before_decision: &'a [Category],
    /// Where the form without JavaScript comes back to (a path on this site).
    pub return_to: &'a str,
    /// The site's privacy statement.
    pub privacy_url: Option<&'a str>,
    /// Where the consent endpoint is.
    pub endpoint: &'a str,
    /// The site's position, theme and texts.
    pub settings: &'a BannerSettings,
    /// The vendors and cookies the settings layer lists.
    pub cookies: &'a CookieList,
    /// On a site with IAB TCF, its purposes and vendors for the settings layer, in
    /// `language`; `None` leaves the banner as it is without TCF.
    pub tcf: Option<&'a TcfLayer>,
}

/// Renders the banner for the visitor's regime and decision.
///
/// Under opt-in, a visitor who has not decided gets the full first layer, a dialog that asks.
/// Under a notice or opt-out, where nothing waits for a decision, they get a compact notice
/// instead: it says what the cookies are for, lets them switch categories off in the settings
/// layer, and under opt-out it carries the "Do Not Sell or Share My Personal Information"
/// link to [`OPT_OUT_PATH`]. A visitor who has decided gets the small "Cookie settings"
/// control through which they can change their mind, with the opt-out link beside it under
/// opt-out (it belongs on every page). Under [`Regime::None`] nothing is shown.
pub fn render(view: &BannerView<'_>, assets: &Assets) -> String {
    if view.regime == Regime::None {
        return String::new();
    }
    let t = Texts::new(view.language, &view.settings.texts);
    let mut html = String::with_capacity(4096);
    let ask = view.regime == Regime::OptIn;
    let running = match view.decided {
        Some(decided) => decided,
        None if ask => &[],
        None => view.before_decision,
    };
    let on: Vec<Category> = Category::ALL
        .into_iter()
        .filter(|c| *c != Category::Necessary && running.contains(c))
        .collect();
    let list: Vec<&str> = on.iter().map(|c| c.as_str()).collect();
    let position = view.settings.position.as_str();
    let lang = view.language.code();
    let manage = escape_html(&t.manage);
    let data = format!(
        "lang=\"{lang}\" data-granted=\"{}\" data-manage=\"{manage}\" data-saved=\"{}\" data-regime=\"{}\"",
        list.join(" "),
        escape_html(&t.saved),
        view.regime.as_str(),
    );
    match view.decided {
        Some(_) => {
            let _ = write!(
                html,
                "<details id=\"consentry\" class=\"consentry consentry-manage cy-{position}\" {data}><summary class=\"cy-manage\">{manage}</summary>"
            );
        }
        None => {
            let notice = if ask { "" } else { " cy-notice" };
            let _ = write!(
                html,
                "<div id=\"consentry\" class=\"consentry{notice} cy-{position}\" {data}>"
            );
        }
    }
    let _ = write!(
        html,
        "<link rel=\"stylesheet\" href=\"{}\">",
        assets.css.path
    );
    if let Some(css) = theme_css(&view.settings.theme) {
        let _ = write!(html, "<style id=\"consentry-theme\">{css}</style>");
    }
    let endpoint = escape_html(view.endpoint);
    if ask {
        let _ = write!(
            html,
            "<div class=\"cy-box\" role=\"dialog\" aria-labelledby=\"cy-title\" aria-describedby=\"cy-text\" tabindex=\"-1\"><form method=\"post\" action=\"{endpoint}\"><h2 id=\"cy-title\">{title}</h2><p id=\"cy-text\">{body}",
            title = escape_html(&t.title),
            body = escape_html(&t.body),
        );
    } else {
        // Not a dialog: the page is usable as it is, so the notice takes no focus either.
        let body = if view.regime == Regime::OptOut {
            &t.opt_out_body
        } else {
            &t.notice_body
        };
        let _ = write!(
            html,
            "<div class=\"cy-box\" role=\"region\" aria-label=\"{title}\"><form method=\"post\" action=\"{endpoint}\"><p id=\"cy-text\">{body}",
            title = escape_html(&t.title),
            body = escape_html(body),
        );
    }
    if let Some(url) = view.privacy_url {
        let _ = write!(
            html,
            " <a href=\"{}\">{}</a>",
            escape_html(url),
            escape_html(&t.privacy)
        );
    }
    // In a notice the settings layer is the way to refuse, so it says what it is about.
    let settings_label = if ask || view.decided.is_some() {
        &t.settings
    } else {
        &t.manage
    };
    let _ = write!(
        html,
        "</p><input type=\"hidden\" name=\"return_to\" value=\"{}\"><details class=\"cy-set\"{}><summary>{}</summary><fieldset id=\"consentry-settings\"><legend>{}</legend>",
        escape_html(view.return_to),
        if view.decided.is_some() { " open" } else { "" },
        escape_html(settings_label),
        escape_html(&t.choose),
    );
    for category in Category::ALL {
        category_block(&mut html, view, &t, category, on.contains(&category));
    }
    if let Some(layer) = view.tcf {
        render_tcf_layer(&mut html, layer, view.language, &t, &on);
    }
    actions(&mut html, view, &t);
    let _ = write!(
        html,
        "</form></div><p class=\"cy-live\" role=\"status\"></p><script src=\"{}\" defer></script>",
        assets.js.path,
    );
    if view.decided.is_some() {
        html.push_str("</details>");
        // A closed `<details>` shows its summary only, so the link that belongs on every page
        // stands beside the control (the script moves it there after a choice too).
        if view.regime == Regime::OptOut {
            let attrs = format!(" lang=\"{lang}\"");
            opt_out_link(&mut html, &t, "consentry cy-dns", &attrs);
        }
    } else {
        html.push_str("</div>");
    }
    html
}

/// The buttons: the settings layer's own, which close it, then those under the text.
fn actions(html: &mut String, view: &BannerView<'_>, t: &Texts<'_>) {
    let save = escape_html(&t.save);
    let reject = escape_html(&t.reject_all);
    let accept = escape_html(&t.accept_all);
    if view.regime == Regime::OptIn {
        let _ = write!(
            html,
            "<button type=\"submit\" name=\"action\" value=\"custom\" class=\"cy-save\">{save}</button></fieldset></details><div class=\"cy-actions\"><button type=\"submit\" name=\"action\" value=\"reject_all\">{reject}</button><button type=\"submit\" name=\"action\" value=\"accept_all\">{accept}</button></div>"
        );
        return;
    }
    // Where nothing waits for a decision, refusing is a choice in the settings layer.
    let _ = write!(
        html,
        "<div class=\"cy-actions\"><button type=\"submit\" name=\"action\" value=\"custom\">{save}</button><button type=\"submit\" name=\"action\" value=\"reject_all\">{reject}</button></div></fieldset></details><div class=\"cy-actions\">"
    );
    if view.regime == Regime::OptOut && view.decided.is_none() {
        opt_out_link(html, t, "cy-dns", "");
    }
    // Before a decision the button acknowledges the notice; after one, it takes back what the
    // visitor switched off.
    let ok = if view.decided.is_some() {
        accept
    } else {
        escape_html(&t.acknowledge)
    };
    let _ = write!(
        html,
        "<button type=\"submit\" name=\"action\" value=\"accept_all\">{ok}</button></div>"
    );
}

/// The "Do Not Sell or Share My Personal Information" link: a plain link to the opt-out page,
/// so it works without JavaScript.
fn opt_out_link(html: &mut String, t: &Texts<'_>, class: &str, attrs: &str) {
    let _ = write!(
        html,
        "<a id=\"consentry-opt-out\" class=\"{class}\"{attrs} href=\"{OPT_OUT_PATH}\">{}</a>",
        escape_html(&t.opt_out_link)
    );
}

/// One category in the settings layer: its switch, purpose, vendors and cookies.
fn category_block(
    html: &mut String,
    view: &BannerView<'_>,
    t: &Texts<'_>,
    category: Category,
    granted: bool,
) {
    let id = category.as_str();
    let name = escape_html(t.category(category));
    let _ = write!(html, "<div class=\"cy-cat\" data-c=\"{id}\"><label>");
    if category == Category::Necessary {
        let _ = write!(
            html,
            "<input type=\"checkbox\" checked disabled aria-describedby=\"cy-p-{id}\"> {name} ({})",
            escape_html(&t.always_on)
        );
    } else {
        let _ = write!(
            html,
            "<input type=\"checkbox\" name=\"{id}\" value=\"on\"{} aria-describedby=\"cy-p-{id}\"> {name}",
            if granted { " checked" } else { "" }
        );
    }
    let _ = write!(
        html,
        "</label><p id=\"cy-p-{id}\">{}</p>",
        escape_html(t.purpose(category))
    );
    let vendors = view.cookies.of(category);
    if !vendors.is_empty() {
        let _ = write!(
            html,
            "<details><summary>{} ({})</summary><ul>",
            escape_html(&t.cookies),
            view.cookies.count(category)
        );
        for vendor in vendors {
            let vendor_name = vendor.vendor.as_deref().unwrap_or(&t.this_site);
            let _ = write!(html, "<li>{}", escape_html(vendor_name));
            for (i, cookie) in vendor.cookies.iter().enumerate() {
                html.push_str(if i == 0 { ": " } else { ", " });
                let _ = write!(html, "<code>{}</code>", escape_html(&cookie.name));
                if let Some(l) = cookie.lifetime {
                    let _ = write!(html, " ({})", escape_html(&lifetime(view.language, l)));
                }
            }
            html.push_str("</li>");
        }
        html.push_str("</ul></details>");
    }
    html.push_str("</div>");
}

/// The text shown in place of a blocked embed, as a small HTML document for `srcdoc`. It is
/// styled by the banner's stylesheet (from the site's own origin), so it needs no inline style
/// that a Content-Security-Policy would refuse.
pub fn embed_placeholder(
    language: Language,
    settings: &BannerSettings,
    assets: &Assets,
    vendor: &str,
    category: Category,
) -> String {
    let t = Texts::new(language, &settings.texts);
    let name = t.category(category);
    let name = if language == Language::De {
        name.to_owned()
    } else {
        name.to_lowercase()
    };
    let text = t
        .embed_blocked
        .replace("{vendor}", vendor)
        .replace("{category}", &name);
    format!(
        "<link rel=\"stylesheet\" href=\"{}\"><p class=\"cy-ph\">{}</p>",
        assets.css.path,
        escape_html(&text)
    )
}

#[cfg(test)]
mod tests;
