//! The banner's languages and choosing one from `Accept-Language`.

/// A language the banner speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// English.
    En,
    /// Dutch.
    Nl,
    /// German.
    De,
    /// French.
    Fr,
}

impl Language {
    /// Every built-in language.
    pub const ALL: [Language; 4] = [Language::En, Language::Nl, Language::De, Language::Fr];

    /// The two-letter code.
    pub const fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Nl => "nl",
            Language::De => "de",
            Language::Fr => "fr",
        }
    }

    /// The language for a two-letter code, if built in.
    pub fn from_code(code: &str) -> Option<Language> {
        Language::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(code))
    }

    /// The best built-in language for an `Accept-Language` header, by quality value, or
    /// `fallback` when none matches.
    pub fn negotiate(accept_language: Option<&str>, fallback: Language) -> Language {
        Language::negotiate_among(accept_language, &Language::ALL, fallback)
    }

    /// Like [`Language::negotiate`], choosing only among `offered` (a site may offer fewer).
    pub fn negotiate_among(
        accept_language: Option<&str>,
        offered: &[Language],
        fallback: Language,
    ) -> Language {
        let Some(header) = accept_language else {
            return fallback;
        };
        let mut best: Option<(f32, Language)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Language::from_code(primary).filter(|l| offered.contains(l)) {
                if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                    best = Some((quality, lang));
                }
            }
        }
        best.map_or(fallback, |(_, lang)| lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_quality() {
        assert_eq!(
            Language::negotiate(Some("nl-NL,nl;q=0.9,en;q=0.8"), Language::En),
            Language::Nl
        );
        assert_eq!(
            Language::negotiate(Some("es;q=0.9, en;q=0.5, nl;q=0.7"), Language::En),
            Language::Nl
        );
        assert_eq!(Language::negotiate(Some("ja"), Language::Nl), Language::Nl);
        assert_eq!(
            Language::negotiate(Some("de-AT,fr;q=0.8"), Language::En),
            Language::De
        );
        assert_eq!(
            Language::negotiate_among(
                Some("de-AT,fr;q=0.8"),
                &[Language::Nl, Language::Fr],
                Language::Nl
            ),
            Language::Fr
        );
        assert_eq!(Language::negotiate(None, Language::En), Language::En);
        assert_eq!(
            Language::negotiate(Some("nl;q=0"), Language::En),
            Language::En
        );
    }
}
