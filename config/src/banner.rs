//! `[site.banner]`: the banner's languages, position, theme and replacement texts, and their
//! validation (colours must be hex and legible, texts must name a known language and key).

use toml::Spanned;

use crate::file::{FileBanner, FileTheme};

/// The languages the banner has built in, by two-letter code.
pub const BANNER_LANGUAGES: [&str; 4] = ["en", "nl", "de", "fr"];

/// Every text of the banner that a site can replace, by key.
pub const BANNER_TEXT_KEYS: &[&str] = &[
    "title",
    "body",
    "accept_all",
    "reject_all",
    "settings",
    "save",
    "manage",
    "privacy",
    "choose",
    "always_on",
    "cookies",
    "this_site",
    "saved",
    "embed_blocked",
    "necessary",
    "preferences",
    "analytics",
    "marketing",
    "necessary_purpose",
    "preferences_purpose",
    "analytics_purpose",
    "marketing_purpose",
    "notice_body",
    "acknowledge",
    "opt_out_body",
    "opt_out_link",
    "opt_out_explain",
    "opt_out_gpc",
    "opt_out_button",
    "opted_out",
    "back_to_site",
];

/// The colours the banner uses when the theme names none (light scheme), for the contrast
/// check of a partly configured theme.
const DEFAULT_COLOURS: Colours<'static> = Colours {
    background: "#ffffff",
    text: "#1d1d1f",
    accent: "#1f4e8c",
    accent_text: "#ffffff",
};

/// WCAG 2 AA for normal text.
const MIN_CONTRAST: f64 = 4.5;

/// Longest replacement text accepted.
const MAX_TEXT: usize = 2000;

/// Where the banner sits on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BannerPosition {
    /// A bar along the bottom edge.
    #[default]
    Bottom,
    /// A box in the middle of the window (the page stays usable around it).
    Center,
    /// A card in the bottom corner.
    Corner,
}

impl BannerPosition {
    /// The name used in the config and in the banner's class.
    pub const fn as_str(self) -> &'static str {
        match self {
            BannerPosition::Bottom => "bottom",
            BannerPosition::Center => "center",
            BannerPosition::Corner => "corner",
        }
    }
}

/// Colours and font of the banner; `None` keeps the built-in value (which follows the
/// visitor's light or dark scheme).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BannerTheme {
    /// Background colour, `#rgb` or `#rrggbb`.
    pub background: Option<String>,
    /// Text colour.
    pub text: Option<String>,
    /// Colour of the buttons and links.
    pub accent: Option<String>,
    /// Text colour on the buttons.
    pub accent_text: Option<String>,
    /// A CSS font-family list.
    pub font: Option<String>,
}

impl BannerTheme {
    /// The four colours (background, text, accent, accent text) when the theme sets any of
    /// them, the unset ones at the built-in light values the contrast check assumed: a site
    /// that picks colours gets those in both light and dark schemes.
    pub fn colours(&self) -> Option<[&str; 4]> {
        let set = [
            &self.background,
            &self.text,
            &self.accent,
            &self.accent_text,
        ];
        if set.iter().all(|c| c.is_none()) {
            return None;
        }
        let defaults = [
            DEFAULT_COLOURS.background,
            DEFAULT_COLOURS.text,
            DEFAULT_COLOURS.accent,
            DEFAULT_COLOURS.accent_text,
        ];
        let mut out = defaults;
        for (slot, value) in out.iter_mut().zip(set) {
            if let Some(v) = value {
                *slot = v.as_str();
            }
        }
        Some(out)
    }

    /// Whether any value is set.
    pub fn is_set(&self) -> bool {
        self.background.is_some()
            || self.text.is_some()
            || self.accent.is_some()
            || self.accent_text.is_some()
            || self.font.is_some()
    }
}

/// One replaced text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextOverride {
    /// The language it replaces the text of.
    pub language: String,
    /// One of [`BANNER_TEXT_KEYS`].
    pub key: String,
    /// The new text (plain text: it is HTML-escaped when shown).
    pub text: String,
}

/// A site's banner settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BannerSettings {
    /// The languages offered, chosen from `Accept-Language`; empty offers all built-in ones.
    pub languages: Vec<String>,
    /// Where it sits.
    pub position: BannerPosition,
    /// Colours and font.
    pub theme: BannerTheme,
    /// Replaced texts.
    pub texts: Vec<TextOverride>,
}

struct Colours<'a> {
    background: &'a str,
    text: &'a str,
    accent: &'a str,
    accent_text: &'a str,
}

/// Validates `[site.banner]`, reporting each problem through `report(offset, key, message)`.
pub(crate) fn validate(
    file: FileBanner,
    key: &str,
    report: &mut dyn FnMut(usize, String, String),
) -> BannerSettings {
    let mut languages = Vec::new();
    if let Some(list) = file.languages {
        if list.get_ref().is_empty() {
            report(
                list.span().start,
                format!("{key}.languages"),
                "must list at least one language; leave it out to offer all".into(),
            );
        }
        for (i, lang) in list.into_inner().into_iter().enumerate() {
            if BANNER_LANGUAGES.contains(&lang.get_ref().as_str()) {
                languages.push(lang.into_inner());
            } else {
                report(
                    lang.span().start,
                    format!("{key}.languages[{i}]"),
                    unknown_language(lang.get_ref()),
                );
            }
        }
    }
    let position = match file.position {
        None => BannerPosition::default(),
        Some(text) => match text.get_ref().as_str() {
            "bottom" => BannerPosition::Bottom,
            "center" => BannerPosition::Center,
            "corner" => BannerPosition::Corner,
            other => {
                report(
                    text.span().start,
                    format!("{key}.position"),
                    format!("`{other}` is not one of bottom, center, corner"),
                );
                BannerPosition::default()
            }
        },
    };
    let theme = theme(file.theme, &format!("{key}.theme"), report);
    let mut texts = Vec::new();
    for (language, table) in file.texts {
        let known = BANNER_LANGUAGES.contains(&language.as_str());
        for (name, text) in table {
            let text_key = format!("{key}.texts.{language}.{name}");
            let offset = text.span().start;
            if !known {
                report(offset, text_key, unknown_language(&language));
                break;
            }
            if !BANNER_TEXT_KEYS.contains(&name.as_str()) {
                report(
                    offset,
                    text_key,
                    format!(
                        "`{name}` is not a banner text; the texts are: {}",
                        BANNER_TEXT_KEYS.join(", ")
                    ),
                );
                continue;
            }
            let value = text.into_inner();
            if value.trim().is_empty() || value.chars().count() > MAX_TEXT {
                report(
                    offset,
                    text_key,
                    format!("must be between 1 and {MAX_TEXT} characters"),
                );
                continue;
            }
            texts.push(TextOverride {
                language: language.clone(),
                key: name,
                text: value,
            });
        }
    }
    BannerSettings {
        languages,
        position,
        theme,
        texts,
    }
}

fn unknown_language(code: &str) -> String {
    format!(
        "`{code}` is not a built-in banner language ({})",
        BANNER_LANGUAGES.join(", ")
    )
}

fn theme(file: FileTheme, key: &str, report: &mut dyn FnMut(usize, String, String)) -> BannerTheme {
    let mut colour = |value: Option<Spanned<String>>, name: &str| {
        let value = value?;
        if is_hex_colour(value.get_ref()) {
            Some((value.span().start, value.into_inner().to_ascii_lowercase()))
        } else {
            report(
                value.span().start,
                format!("{key}.{name}"),
                format!(
                    "`{}` is not a colour such as \"#1f4e8c\" or \"#fff\"",
                    value.get_ref()
                ),
            );
            None
        }
    };
    let background = colour(file.background, "background");
    let text = colour(file.text, "text");
    let accent = colour(file.accent, "accent");
    let accent_text = colour(file.accent_text, "accent_text");
    let font = file.font.and_then(|font| {
        let ok = !font.get_ref().trim().is_empty()
            && font.get_ref().len() <= 200
            && font
                .get_ref()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b" ,-_'\"".contains(&b));
        if ok {
            Some(font.into_inner())
        } else {
            report(
                font.span().start,
                format!("{key}.font"),
                "must be a font-family list such as \"Georgia, serif\" (letters, digits, spaces, commas, quotes, hyphens)".into(),
            );
            None
        }
    });
    let pick = |v: &Option<(usize, String)>, default: &'static str| {
        v.as_ref().map_or(default.to_owned(), |(_, c)| c.clone())
    };
    let colours = (
        pick(&background, DEFAULT_COLOURS.background),
        pick(&text, DEFAULT_COLOURS.text),
        pick(&accent, DEFAULT_COLOURS.accent),
        pick(&accent_text, DEFAULT_COLOURS.accent_text),
    );
    let pairs = [
        (
            &text,
            &background,
            &colours.1,
            &colours.0,
            "text",
            "background",
        ),
        (
            &accent,
            &background,
            &colours.2,
            &colours.0,
            "accent",
            "background",
        ),
        (
            &accent_text,
            &accent,
            &colours.3,
            &colours.2,
            "accent_text",
            "accent",
        ),
    ];
    for (fg, bg, fg_colour, bg_colour, fg_name, bg_name) in pairs {
        // Only a pair with at least one configured colour can have been made illegible here.
        let Some(offset) = fg.as_ref().or(bg.as_ref()).map(|(o, _)| *o) else {
            continue;
        };
        let ratio = contrast(fg_colour, bg_colour);
        if ratio < MIN_CONTRAST {
            report(
                offset,
                format!("{key}.{fg_name}"),
                format!(
                    "{fg_name} {fg_colour} on {bg_name} {bg_colour} has a contrast of {ratio:.1}:1; at least {MIN_CONTRAST}:1 is needed to be legible (WCAG AA)"
                ),
            );
        }
    }
    BannerTheme {
        background: background.map(|(_, c)| c),
        text: text.map(|(_, c)| c),
        accent: accent.map(|(_, c)| c),
        accent_text: accent_text.map(|(_, c)| c),
        font,
    }
}

fn is_hex_colour(text: &str) -> bool {
    text.strip_prefix('#')
        .is_some_and(|hex| matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The WCAG contrast ratio of two hex colours.
fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

fn luminance(hex: &str) -> f64 {
    let hex = hex.trim_start_matches('#');
    let expanded: String = if hex.len() == 3 {
        hex.chars().flat_map(|c| [c, c]).collect()
    } else {
        hex.to_owned()
    };
    let channel = |i: usize| {
        let v = f64::from(u8::from_str_radix(&expanded[i..i + 2], 16).unwrap_or(0)) / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}
