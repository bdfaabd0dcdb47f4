//! A site's theme as CSS custom properties, in a small `<style>` after the stylesheet.

use std::fmt::Write;

use consentry_config::BannerTheme;

/// The CSS that applies a site's theme, or `None` for the built-in look. It is the exact text
/// of the banner's `<style id="consentry-theme">`, so a host can hash it for a
/// Content-Security-Policy. The config only lets hex colours and plain font names through.
pub fn theme_css(theme: &BannerTheme) -> Option<String> {
    if !theme.is_set() {
        return None;
    }
    let mut css = String::from(".consentry{");
    if let Some(colours) = theme.colours() {
        for (property, value) in ["--cy-bg", "--cy-fg", "--cy-accent", "--cy-accent-fg"]
            .into_iter()
            .zip(colours)
        {
            let _ = write!(css, "{property}:{value};");
        }
    }
    if let Some(font) = &theme.font {
        let _ = write!(css, "--cy-font:{font};");
    }
    css.push('}');
    Some(css)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_is_set() {
        assert_eq!(theme_css(&BannerTheme::default()), None);
        let theme = BannerTheme {
            accent: Some("#005a32".into()),
            font: Some("Georgia, serif".into()),
            ..BannerTheme::default()
        };
        assert_eq!(
            theme_css(&theme).as_deref(),
            Some(".consentry{--cy-bg:#ffffff;--cy-fg:#1d1d1f;--cy-accent:#005a32;--cy-accent-fg:#ffffff;--cy-font:Georgia, serif;}")
        );
    }
}
