//! Rendering the banner for one page view.
//!
//! The banner is a plain form that posts to the consent endpoint, so it works without
//! JavaScript; the script only makes the same form answer without a reload. Its state is in
//! the markup, since the consent cookie is `HttpOnly`: a `<div>` asks, a `<details>` is the
//! "Cookie settings" control of a visitor who has decided (`data-granted` lists what).

use std::fmt::Write;

use consentry_config::{BannerSettings, Category};

use crate::texts::{lifetime, Texts};
use crate::{escape_html, theme_css, Assets, CookieList, Language};

/// What the banner needs to know about the page view it is rendered for.
#[derive(Debug, Clone)]
pub struct BannerView<'a> {
    /// The visitor's language.
    pub language: Language,
    /// The categories granted, or `None` when the visitor has not decided yet.
    pub decided: Option<&'a [Category]>,
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
}

/// Renders the banner: the full first layer when the visitor has not decided, otherwise the
/// small "Cookie settings" control through which they can change their mind.
pub fn render(view: &BannerView<'_>, assets: &Assets) -> String {
    let t = Texts::new(view.language, &view.settings.texts);
    let mut html = String::with_capacity(4096);
    let granted = |c: Category| view.decided.is_some_and(|d| d.contains(&c));
    let position = view.settings.position.as_str();
    let lang = view.language.code();
    let manage = escape_html(&t.manage);
    let saved = escape_html(&t.saved);
    match view.decided {
        Some(decided) => {
            let list: Vec<&str> = decided.iter().map(|c| c.as_str()).collect();
            let _ = write!(
                html,
                "<details id=\"consentry\" class=\"consentry consentry-manage cy-{position}\" lang=\"{lang}\" data-granted=\"{}\" data-manage=\"{manage}\" data-saved=\"{saved}\"><summary class=\"cy-manage\">{manage}</summary>",
                list.join(" ")
            );
        }
        None => {
            let _ = write!(
                html,
                "<div id=\"consentry\" class=\"consentry cy-{position}\" lang=\"{lang}\" data-granted=\"\" data-manage=\"{manage}\" data-saved=\"{saved}\">"
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
    let _ = write!(
        html,
        "<div class=\"cy-box\" role=\"dialog\" aria-labelledby=\"cy-title\" aria-describedby=\"cy-text\" tabindex=\"-1\"><form method=\"post\" action=\"{endpoint}\"><h2 id=\"cy-title\">{title}</h2><p id=\"cy-text\">{body}",
        endpoint = escape_html(view.endpoint),
        title = escape_html(&t.title),
        body = escape_html(&t.body),
    );
    if let Some(url) = view.privacy_url {
        let _ = write!(
            html,
            " <a href=\"{}\">{}</a>",
            escape_html(url),
            escape_html(&t.privacy)
        );
    }
    let _ = write!(
        html,
        "</p><input type=\"hidden\" name=\"return_to\" value=\"{}\"><details class=\"cy-set\"{}><summary>{}</summary><fieldset id=\"consentry-settings\"><legend>{}</legend>",
        escape_html(view.return_to),
        if view.decided.is_some() { " open" } else { "" },
        escape_html(&t.settings),
        escape_html(&t.choose),
    );
    for category in Category::ALL {
        category_block(&mut html, view, &t, category, granted(category));
    }
    let _ = write!(
        html,
        "<button type=\"submit\" name=\"action\" value=\"custom\" class=\"cy-save\">{save}</button></fieldset></details><div class=\"cy-actions\"><button type=\"submit\" name=\"action\" value=\"reject_all\">{reject}</button><button type=\"submit\" name=\"action\" value=\"accept_all\">{accept}</button></div></form></div><p class=\"cy-live\" role=\"status\"></p><script src=\"{js}\" defer></script>",
        save = escape_html(&t.save),
        reject = escape_html(&t.reject_all),
        accept = escape_html(&t.accept_all),
        js = assets.js.path,
    );
    html.push_str(if view.decided.is_some() {
        "</details>"
    } else {
        "</div>"
    });
    html
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
