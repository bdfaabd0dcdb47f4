//! The banner's texts: built in for every language, each replaceable per site.

mod de;
mod en;
mod fr;
mod nl;

use std::borrow::Cow;

use consentry_config::{Category, Lifetime, LifetimeUnit, TextOverride};

use crate::Language;

macro_rules! texts {
    ($($key:ident),* $(,)?) => {
        /// Every text the banner shows, by the key a site's config replaces it with.
        #[derive(Debug, Clone)]
        pub struct Texts<'a> {
            $(
                #[doc = concat!("The `", stringify!($key), "` text.")]
                pub $key: Cow<'a, str>,
            )*
        }

        /// The built-in texts of one language.
        pub(crate) struct Builtin {
            $(pub $key: &'static str,)*
        }

        impl Builtin {
            fn texts(&'static self) -> Texts<'static> {
                Texts { $($key: Cow::Borrowed(self.$key),)* }
            }
        }

        impl<'a> Texts<'a> {
            /// The keys, in the order of the fields.
            pub const KEYS: &'static [&'static str] = &[$(stringify!($key),)*];

            /// Every text with its key, in the order of [`Texts::KEYS`].
            pub fn entries(&self) -> Vec<(&'static str, &str)> {
                vec![$((stringify!($key), self.$key.as_ref()),)*]
            }

            /// Replaces the text named `key`; false when there is no such text.
            fn set(&mut self, key: &str, text: &'a str) -> bool {
                match key {
                    $(stringify!($key) => self.$key = Cow::Borrowed(text),)*
                    _ => return false,
                }
                true
            }
        }
    };
}

texts!(
    title,
    body,
    accept_all,
    reject_all,
    settings,
    save,
    manage,
    privacy,
    choose,
    always_on,
    cookies,
    this_site,
    saved,
    embed_blocked,
    necessary,
    preferences,
    analytics,
    marketing,
    necessary_purpose,
    preferences_purpose,
    analytics_purpose,
    marketing_purpose,
    notice_body,
    acknowledge,
    opt_out_body,
    opt_out_link,
    opt_out_explain,
    opt_out_gpc,
    opt_out_button,
    opted_out,
    back_to_site,
);

/// Words for lifetimes: singular and plural of each unit, and a session cookie's lifetime.
pub(crate) struct Units {
    pub minute: [&'static str; 2],
    pub hour: [&'static str; 2],
    pub day: [&'static str; 2],
    pub month: [&'static str; 2],
    pub year: [&'static str; 2],
    pub session: &'static str,
    /// A lifetime the catalogue does not know.
    pub unknown: &'static str,
}

fn builtin(lang: Language) -> &'static Builtin {
    match lang {
        Language::En => &en::TEXTS,
        Language::Nl => &nl::TEXTS,
        Language::De => &de::TEXTS,
        Language::Fr => &fr::TEXTS,
    }
}

fn units(lang: Language) -> &'static Units {
    match lang {
        Language::En => &en::UNITS,
        Language::Nl => &nl::UNITS,
        Language::De => &de::UNITS,
        Language::Fr => &fr::UNITS,
    }
}

impl<'a> Texts<'a> {
    /// The texts of `lang`, with the site's replacements for that language applied.
    pub fn new(lang: Language, overrides: &'a [TextOverride]) -> Texts<'a> {
        let mut texts = builtin(lang).texts();
        for o in overrides.iter().filter(|o| o.language == lang.code()) {
            // The config checks keys against the same list, so none is unknown here.
            let _known = texts.set(&o.key, &o.text);
        }
        texts
    }

    /// A category's name.
    pub fn category(&self, category: Category) -> &str {
        match category {
            Category::Necessary => &self.necessary,
            Category::Preferences => &self.preferences,
            Category::Analytics => &self.analytics,
            Category::Marketing => &self.marketing,
        }
    }

    /// What a category's cookies are for.
    pub fn purpose(&self, category: Category) -> &str {
        match category {
            Category::Necessary => &self.necessary_purpose,
            Category::Preferences => &self.preferences_purpose,
            Category::Analytics => &self.analytics_purpose,
            Category::Marketing => &self.marketing_purpose,
        }
    }
}

/// A lifetime in words, such as "2 years" or "1 dag".
pub fn lifetime(lang: Language, lifetime: Lifetime) -> String {
    let u = units(lang);
    match lifetime {
        Lifetime::Session => u.session.to_owned(),
        Lifetime::Unknown => u.unknown.to_owned(),
        Lifetime::For { count, unit } => {
            let words = match unit {
                LifetimeUnit::Minute => u.minute,
                LifetimeUnit::Hour => u.hour,
                LifetimeUnit::Day => u.day,
                LifetimeUnit::Month => u.month,
                LifetimeUnit::Year => u.year,
            };
            format!("{count} {}", words[usize::from(count != 1)])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_replaceable_text_is_known_to_the_config() {
        assert_eq!(Texts::KEYS, consentry_config::BANNER_TEXT_KEYS);
        let codes: Vec<&str> = Language::ALL.iter().map(|l| l.code()).collect();
        assert_eq!(codes, consentry_config::BANNER_LANGUAGES);
    }

    #[test]
    fn overrides_apply_to_their_language_only() {
        let overrides = [TextOverride {
            language: "nl".into(),
            key: "title".into(),
            text: "Koekjes".into(),
        }];
        assert_eq!(Texts::new(Language::Nl, &overrides).title, "Koekjes");
        assert_eq!(
            Texts::new(Language::En, &overrides).title,
            "Cookies on this site"
        );
    }

    #[test]
    fn lifetimes_in_words() {
        let two_years = "2 years".parse().expect("lifetime");
        assert_eq!(lifetime(Language::Nl, two_years), "2 jaar");
        assert_eq!(lifetime(Language::De, two_years), "2 Jahre");
        assert_eq!(
            lifetime(Language::Fr, "1 day".parse().expect("l")),
            "1 jour"
        );
        assert_eq!(lifetime(Language::En, Lifetime::Session), "session");
    }
}
