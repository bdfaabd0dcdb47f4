//! Rendering the banner for one page view.

use std::fmt::Write;

use consentry_config::Category;

use crate::texts::{category_name, texts};
use crate::{escape_html, Assets, Language};

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
}

/// Renders the banner: the full first layer when the visitor has not decided, otherwise the
/// small "Cookie settings" control through which they can change their mind.
pub fn render(view: &BannerView<'_>, assets: &Assets) -> String {
    let t = texts(view.language);
    let lang = view.language;
    let mut html = String::with_capacity(2048);
    let granted = |c: Category| view.decided.is_some_and(|d| d.contains(&c));
    let (open_tag, close_tag) = if view.decided.is_some() {
        (
            format!(
                "<details id=\"consentry\" class=\"consentry consentry-manage\" lang=\"{}\"><summary>{}</summary>",
                lang.code(),
                escape_html(t.manage)
            ),
            "</details>",
        )
    } else {
        (
            format!(
                "<div id=\"consentry\" class=\"consentry\" lang=\"{}\">",
                lang.code()
            ),
            "</div>",
        )
    };
    html.push_str(&open_tag);
    let _ = write!(
        html,
        "<link rel=\"stylesheet\" href=\"{css}\"><form method=\"post\" action=\"{endpoint}\" role=\"dialog\" aria-labelledby=\"consentry-title\" aria-describedby=\"consentry-text\"><h2 id=\"consentry-title\">{title}</h2><p id=\"consentry-text\">{body}",
        css = assets.css.path,
        endpoint = escape_html(view.endpoint),
        title = escape_html(t.title),
        body = escape_html(t.body),
    );
    if let Some(url) = view.privacy_url {
        let _ = write!(
            html,
            " <a href=\"{}\">{}</a>",
            escape_html(url),
            escape_html(t.privacy)
        );
    }
    let _ = write!(
        html,
        "</p><input type=\"hidden\" name=\"return_to\" value=\"{}\"><details class=\"consentry-settings\"><summary>{}</summary><fieldset><legend>{}</legend><label><input type=\"checkbox\" checked disabled> {} ({})</label>",
        escape_html(view.return_to),
        escape_html(t.settings),
        escape_html(t.choose),
        escape_html(category_name(lang, Category::Necessary)),
        escape_html(t.always_on),
    );
    for category in Category::OPTIONAL {
        let _ = write!(
            html,
            "<label><input type=\"checkbox\" name=\"{}\" value=\"on\"{}> {}</label>",
            category.as_str(),
            if granted(category) { " checked" } else { "" },
            escape_html(category_name(lang, category)),
        );
    }
    let _ = write!(
        html,
        "<button type=\"submit\" name=\"action\" value=\"custom\">{save}</button></fieldset></details><div class=\"consentry-actions\"><button type=\"submit\" name=\"action\" value=\"reject_all\">{reject}</button><button type=\"submit\" name=\"action\" value=\"accept_all\">{accept}</button></div></form><script src=\"{js}\" defer></script>",
        save = escape_html(t.save),
        reject = escape_html(t.reject_all),
        accept = escape_html(t.accept_all),
        js = assets.js.path,
    );
    html.push_str(close_tag);
    html
}

/// The text shown in place of a blocked embed, as a small HTML document for `srcdoc`.
pub fn embed_placeholder(language: Language, vendor: &str, category: Category) -> String {
    let text = texts(language)
        .embed_blocked
        .replace("{vendor}", vendor)
        .replace(
            "{category}",
            &category_name(language, category).to_lowercase(),
        );
    format!(
        "<p style=\"font:15px system-ui,sans-serif;padding:1rem;margin:0;color:#333;background:#f3f3f3;height:100%;box-sizing:border-box\">{}</p>",
        escape_html(&text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view<'a>(decided: Option<&'a [Category]>) -> BannerView<'a> {
        BannerView {
            language: Language::Nl,
            decided,
            return_to: "/shop?x=\"1\"",
            privacy_url: Some("/privacy"),
            endpoint: "/__consentry/consent",
        }
    }

    #[test]
    fn undecided_banner_offers_equal_choices_and_works_without_script() {
        let assets = Assets::new();
        let html = render(&view(None), &assets);
        assert!(html.is_ascii());
        assert!(html.contains("value=\"accept_all\">Alles accepteren</button>"));
        assert!(html.contains("value=\"reject_all\">Alles weigeren</button>"));
        assert!(html.contains("method=\"post\" action=\"/__consentry/consent\""));
        assert!(html.contains("value=\"/shop?x=&quot;1&quot;\""));
        assert!(
            !html.contains(" checked>"),
            "no optional category is pre-ticked"
        );
        assert!(html.contains(&assets.js.path));
    }

    #[test]
    fn decided_banner_is_a_settings_control_with_current_choices() {
        let assets = Assets::new();
        let html = render(&view(Some(&[Category::Analytics])), &assets);
        assert!(html.starts_with("<details id=\"consentry\""));
        assert!(html.contains("name=\"analytics\" value=\"on\" checked"));
        assert!(html.contains("name=\"marketing\" value=\"on\">"));
    }

    #[test]
    fn asset_names_carry_a_content_hash() {
        let assets = Assets::new();
        assert!(assets.css.path.starts_with("/__consentry/banner."));
        assert!(assets.css.path.ends_with(".css"));
        assert!(assets.get(&assets.js.path).is_some());
        assert!(assets.get("/__consentry/banner.js").is_none());
    }
}
