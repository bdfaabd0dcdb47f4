//! The IAB TCF part of the settings layer, on a site that enables TCF: the purposes, special
//! purposes, features and special features of the Global Vendor List, and each of the site's
//! vendors with what it declares (purposes on consent and on legitimate interest, special
//! purposes, features, special features, retention, data categories, storage on the device and
//! its links), in the visitor's language.
//!
//! The visitor still chooses by category: this layer informs. It says that the site relies on
//! no legitimate interest (every purpose is by consent, so objecting to a purpose is refusing
//! it), which category allows each purpose, and each vendor's consent under the choice in force.
//! That state follows the root's `data-granted` through the stylesheet (each vendor's
//! `data-n` names the categories it needs), so it stays right when `banner.js` applies a choice
//! without a reload.
//!
//! [`TcfLayer`] is plain data, already in the visitor's language (the engine builds it from the
//! vendor list and its translations); the rest of the words are the banner's own
//! ([`TcfWords`]), in the four languages. It is rendered as a `<details class="cy-tcf">`,
//! closed, after the categories; every text is escaped and every link is `http(s)` or left out.

use std::fmt::Write;

use consentry_config::{Category, Lifetime, LifetimeUnit};

use crate::texts::{lifetime, Texts};
use crate::{escape_html, Language};

/// What the settings layer shows of the IAB TCF, in one language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TcfLayer {
    /// The purposes, in id order.
    pub purposes: Vec<TcfEntry>,
    /// The special purposes (vendors may pursue them without consent; no right to object).
    pub special_purposes: Vec<TcfEntry>,
    /// The features.
    pub features: Vec<TcfEntry>,
    /// The special features (they need an express opt-in, which the site never asks for).
    pub special_features: Vec<TcfEntry>,
    /// The site's vendors, in the site's order.
    pub vendors: Vec<TcfLayerVendor>,
}

/// A purpose, special purpose, feature or special feature.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TcfEntry {
    /// Its id in the Global Vendor List.
    pub id: u16,
    /// Its name.
    pub name: String,
    /// What it is.
    pub description: String,
    /// Examples of it (the GVL's illustrations), when it has them.
    pub illustrations: Vec<String>,
    /// The name and description are left in English (no translation has them).
    pub english: bool,
    /// The illustrations are left in English.
    pub english_illustrations: bool,
    /// For a purpose: the categories that allow it, any one of them (empty for the others,
    /// and for a purpose no category allows).
    pub allowed_with: Vec<Category>,
}

/// Something a vendor declares, by name: a purpose, feature or data category.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TcfUse {
    /// Its id in the Global Vendor List.
    pub id: u16,
    /// Its name.
    pub name: String,
    /// How many days the vendor keeps data for it, where it says (purposes and special
    /// purposes).
    pub retention_days: Option<u32>,
    /// The name is left in English.
    pub english: bool,
}

/// What a vendor stores on the visitor's device, as it declares it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TcfStorage {
    /// Whether it uses cookies, when it says.
    pub uses_cookies: Option<bool>,
    /// The longest its cookies live, in seconds (0 or less: session cookies).
    pub cookie_max_age_seconds: Option<i64>,
    /// Whether it renews its cookies after setting them.
    pub cookie_refresh: Option<bool>,
    /// Whether it stores or reads anything else on the device (local storage, ...).
    pub uses_non_cookie_access: Option<bool>,
}

/// One of the site's vendors and what it declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TcfLayerVendor {
    /// Its id in the Global Vendor List.
    pub id: u16,
    /// Its name.
    pub name: String,
    /// The purposes it pursues with consent.
    pub consent: Vec<TcfUse>,
    /// The purposes it claims a legitimate interest for (which the site does not accept).
    pub legitimate_interest: Vec<TcfUse>,
    /// The special purposes it pursues.
    pub special_purposes: Vec<TcfUse>,
    /// The features it uses.
    pub features: Vec<TcfUse>,
    /// The special features it uses.
    pub special_features: Vec<TcfUse>,
    /// The categories of data it collects.
    pub data_categories: Vec<TcfUse>,
    /// What it stores on the device.
    pub storage: TcfStorage,
    /// Its privacy policy, in the visitor's language where it has one.
    pub privacy_url: Option<String>,
    /// Its legitimate interest claim, where it makes one.
    pub legitimate_interest_url: Option<String>,
    /// The categories that must all be allowed for it to have consent (empty: any one).
    pub needs: Vec<Category>,
}

impl TcfLayerVendor {
    /// Whether the vendor has consent when `allowed` are the optional categories in force.
    pub fn has_consent(&self, allowed: &[Category]) -> bool {
        !allowed.is_empty() && self.needs.iter().all(|c| allowed.contains(c))
    }
}

/// The banner's own words for the TCF layer in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcfWords {
    /// The layer's summary.
    pub title: &'static str,
    /// What the framework is here, and the right to object.
    pub intro: &'static str,
    /// Heading of the purposes.
    pub purposes: &'static str,
    /// Heading of the special purposes.
    pub special_purposes: &'static str,
    /// What special purposes mean for the visitor.
    pub special_purposes_note: &'static str,
    /// Heading of the features.
    pub features: &'static str,
    /// What features mean.
    pub features_note: &'static str,
    /// Heading of the special features.
    pub special_features: &'static str,
    /// What special features mean here.
    pub special_features_note: &'static str,
    /// Before the categories that allow a purpose.
    pub allowed_with: &'static str,
    /// Between the last two of those categories.
    pub or: &'static str,
    /// Before the illustrations.
    pub examples: &'static str,
    /// Heading of the vendors.
    pub vendors: &'static str,
    /// A vendor with consent.
    pub consent: &'static str,
    /// A vendor without.
    pub no_consent: &'static str,
    /// The purposes a vendor pursues with consent.
    pub consent_purposes: &'static str,
    /// The purposes it claims a legitimate interest for.
    pub legitimate_interest: &'static str,
    /// How long it keeps data.
    pub retention: &'static str,
    /// The data it collects.
    pub data: &'static str,
    /// What it stores on the device.
    pub storage: &'static str,
    /// Before the longest a cookie lives.
    pub cookies_for: &'static str,
    /// Session cookies only.
    pub session_cookies: &'static str,
    /// No cookies.
    pub no_cookies: &'static str,
    /// Cookies renewed.
    pub refreshed: &'static str,
    /// Other storage than cookies.
    pub other_storage: &'static str,
    /// The link to its privacy policy.
    pub privacy_policy: &'static str,
    /// The link to its legitimate interest claim.
    pub legitimate_interest_claim: &'static str,
}

static EN: TcfWords = TcfWords {
    title: "Purposes and vendors (IAB TCF)",
    intro: "The vendors below take part in IAB Europe's Transparency and Consent Framework. This site relies on no legitimate interest: every purpose needs your consent, which you give or refuse with the categories above, so objecting to a purpose means refusing it there. A vendor has your consent when every purpose it asks consent for is allowed.",
    purposes: "Purposes",
    special_purposes: "Special purposes",
    special_purposes_note: "Vendors may pursue these without your consent, as the framework allows; you cannot object to them.",
    features: "Features",
    features_note: "Vendors may use these for the purposes above.",
    special_features: "Special features",
    special_features_note: "These need your express consent, which this site does not ask for: no vendor may use them here.",
    allowed_with: "Allowed with:",
    or: "or",
    examples: "Examples:",
    vendors: "Vendors",
    consent: "consent",
    no_consent: "no consent",
    consent_purposes: "Purposes that need your consent",
    legitimate_interest: "Claimed as legitimate interest (not allowed here)",
    retention: "Data retention",
    data: "Data collected",
    storage: "Storage on your device",
    cookies_for: "cookies for up to",
    session_cookies: "session cookies only",
    no_cookies: "no cookies",
    refreshed: "renewed on later visits",
    other_storage: "also other storage, such as local storage",
    privacy_policy: "Privacy policy",
    legitimate_interest_claim: "Legitimate interest claim",
};

static NL: TcfWords = TcfWords {
    title: "Doeleinden en leveranciers (IAB TCF)",
    intro: "De leveranciers hieronder nemen deel aan het Transparency and Consent Framework van IAB Europe. Deze site beroept zich niet op gerechtvaardigd belang: elk doel vraagt uw toestemming, die u geeft of weigert met de categorie\u{eb}n hierboven, dus bezwaar maken tegen een doel is het daar weigeren. Een leverancier heeft uw toestemming als elk doel waarvoor hij toestemming vraagt, is toegestaan.",
    purposes: "Doeleinden",
    special_purposes: "Speciale doeleinden",
    special_purposes_note: "Leveranciers mogen deze zonder uw toestemming nastreven, zoals het framework toestaat; u kunt er geen bezwaar tegen maken.",
    features: "Functies",
    features_note: "Leveranciers kunnen deze gebruiken voor de doeleinden hierboven.",
    special_features: "Speciale functies",
    special_features_note: "Hiervoor is uw uitdrukkelijke toestemming nodig, die deze site niet vraagt: geen leverancier mag ze hier gebruiken.",
    allowed_with: "Toegestaan met:",
    or: "of",
    examples: "Voorbeelden:",
    vendors: "Leveranciers",
    consent: "toestemming",
    no_consent: "geen toestemming",
    consent_purposes: "Doeleinden waarvoor uw toestemming nodig is",
    legitimate_interest: "Geclaimd als gerechtvaardigd belang (hier niet toegestaan)",
    retention: "Bewaartermijn",
    data: "Verzamelde gegevens",
    storage: "Opslag op uw apparaat",
    cookies_for: "cookies tot",
    session_cookies: "alleen sessiecookies",
    no_cookies: "geen cookies",
    refreshed: "verlengd bij latere bezoeken",
    other_storage: "ook andere opslag, zoals local storage",
    privacy_policy: "Privacybeleid",
    legitimate_interest_claim: "Onderbouwing gerechtvaardigd belang",
};

static DE: TcfWords = TcfWords {
    title: "Zwecke und Anbieter (IAB TCF)",
    intro: "Die folgenden Anbieter nehmen am Transparency and Consent Framework von IAB Europe teil. Diese Website st\u{fc}tzt sich auf kein berechtigtes Interesse: Jeder Zweck braucht Ihre Einwilligung, die Sie mit den Kategorien oben erteilen oder verweigern; einem Zweck zu widersprechen hei\u{df}t also, ihn dort abzulehnen. Ein Anbieter hat Ihre Einwilligung, wenn jeder Zweck erlaubt ist, f\u{fc}r den er um Einwilligung bittet.",
    purposes: "Zwecke",
    special_purposes: "Besondere Zwecke",
    special_purposes_note: "Anbieter d\u{fc}rfen diese ohne Ihre Einwilligung verfolgen, wie das Framework es erlaubt; Sie k\u{f6}nnen ihnen nicht widersprechen.",
    features: "Funktionen",
    features_note: "Anbieter k\u{f6}nnen diese f\u{fc}r die Zwecke oben nutzen.",
    special_features: "Besondere Funktionen",
    special_features_note: "Sie erfordern Ihre ausdr\u{fc}ckliche Einwilligung, um die diese Website nicht bittet: Kein Anbieter darf sie hier nutzen.",
    allowed_with: "Erlaubt mit:",
    or: "oder",
    examples: "Beispiele:",
    vendors: "Anbieter",
    consent: "Einwilligung",
    no_consent: "keine Einwilligung",
    consent_purposes: "Zwecke, f\u{fc}r die Ihre Einwilligung n\u{f6}tig ist",
    legitimate_interest: "Als berechtigtes Interesse beansprucht (hier nicht erlaubt)",
    retention: "Speicherdauer",
    data: "Erhobene Daten",
    storage: "Speicherung auf Ihrem Ger\u{e4}t",
    cookies_for: "Cookies, h\u{f6}chstens",
    session_cookies: "nur Sitzungs-Cookies",
    no_cookies: "keine Cookies",
    refreshed: "bei sp\u{e4}teren Besuchen verl\u{e4}ngert",
    other_storage: "auch andere Speicher, etwa Local Storage",
    privacy_policy: "Datenschutzerkl\u{e4}rung",
    legitimate_interest_claim: "Angaben zum berechtigten Interesse",
};

static FR: TcfWords = TcfWords {
    title: "Finalit\u{e9}s et partenaires (IAB TCF)",
    intro: "Les partenaires ci-dessous participent au Transparency and Consent Framework d'IAB Europe. Ce site ne s'appuie sur aucun int\u{e9}r\u{ea}t l\u{e9}gitime : chaque finalit\u{e9} requiert votre consentement, que vous donnez ou refusez avec les cat\u{e9}gories ci-dessus ; vous opposer \u{e0} une finalit\u{e9}, c'est donc la refuser l\u{e0}. Un partenaire a votre consentement lorsque chaque finalit\u{e9} pour laquelle il le demande est autoris\u{e9}e.",
    purposes: "Finalit\u{e9}s",
    special_purposes: "Finalit\u{e9}s sp\u{e9}ciales",
    special_purposes_note: "Les partenaires peuvent les poursuivre sans votre consentement, comme le framework le permet ; vous ne pouvez pas vous y opposer.",
    features: "Fonctionnalit\u{e9}s",
    features_note: "Les partenaires peuvent les utiliser pour les finalit\u{e9}s ci-dessus.",
    special_features: "Fonctionnalit\u{e9}s sp\u{e9}ciales",
    special_features_note: "Elles requi\u{e8}rent votre consentement expr\u{e8}s, que ce site ne demande pas : aucun partenaire ne peut les utiliser ici.",
    allowed_with: "Autoris\u{e9}e avec :",
    or: "ou",
    examples: "Exemples :",
    vendors: "Partenaires",
    consent: "consentement",
    no_consent: "pas de consentement",
    consent_purposes: "Finalit\u{e9}s soumises \u{e0} votre consentement",
    legitimate_interest: "Int\u{e9}r\u{ea}t l\u{e9}gitime invoqu\u{e9} (non admis ici)",
    retention: "Dur\u{e9}e de conservation",
    data: "Donn\u{e9}es collect\u{e9}es",
    storage: "Stockage sur votre terminal",
    cookies_for: "cookies jusqu'\u{e0}",
    session_cookies: "cookies de session uniquement",
    no_cookies: "aucun cookie",
    refreshed: "renouvel\u{e9}s lors des visites suivantes",
    other_storage: "aussi d'autres stockages, comme le stockage local",
    privacy_policy: "Politique de confidentialit\u{e9}",
    legitimate_interest_claim: "Justification de l'int\u{e9}r\u{ea}t l\u{e9}gitime",
};

impl TcfWords {
    /// The words of `language`.
    pub fn of(language: Language) -> &'static TcfWords {
        match language {
            Language::En => &EN,
            Language::Nl => &NL,
            Language::De => &DE,
            Language::Fr => &FR,
        }
    }
}

/// Writes the layer: a closed `<details class="cy-tcf">` whose sections are closed
/// `<details>` too, so the settings stay short and every part opens from the keyboard.
/// `allowed` are the optional categories in force, for each vendor's consent.
pub(crate) fn render_tcf_layer(
    html: &mut String,
    layer: &TcfLayer,
    language: Language,
    t: &Texts<'_>,
    allowed: &[Category],
) {
    let w = TcfWords::of(language);
    let english = if language == Language::En {
        ""
    } else {
        " lang=\"en\""
    };
    let _ = write!(
        html,
        "<details class=\"cy-tcf\"><summary>{}</summary><p>{}</p>",
        escape_html(w.title),
        escape_html(w.intro)
    );
    let sections: [(&str, Option<&str>, &[TcfEntry]); 4] = [
        (w.purposes, None, &layer.purposes),
        (
            w.special_purposes,
            Some(w.special_purposes_note),
            &layer.special_purposes,
        ),
        (w.features, Some(w.features_note), &layer.features),
        (
            w.special_features,
            Some(w.special_features_note),
            &layer.special_features,
        ),
    ];
    for (heading, note, entries) in sections {
        if entries.is_empty() {
            continue;
        }
        section_start(html, heading, entries.len());
        if let Some(note) = note {
            let _ = write!(html, "<p>{}</p>", escape_html(note));
        }
        html.push_str("<ul>");
        for entry in entries {
            entry_item(html, entry, w, t, english);
        }
        html.push_str("</ul></details>");
    }
    if !layer.vendors.is_empty() {
        section_start(html, w.vendors, layer.vendors.len());
        html.push_str("<ul>");
        for vendor in &layer.vendors {
            vendor_item(html, vendor, w, language, english, allowed);
        }
        html.push_str("</ul></details>");
    }
    html.push_str("</details>");
}

fn section_start(html: &mut String, heading: &str, count: usize) {
    let _ = write!(
        html,
        "<details><summary>{} ({count})</summary>",
        escape_html(heading)
    );
}

fn entry_item(html: &mut String, entry: &TcfEntry, w: &TcfWords, t: &Texts<'_>, english: &str) {
    // What the GVL left in English says so; the banner's own words around it need not.
    let lang = if entry.english { english } else { "" };
    let _ = write!(
        html,
        "<li><details><summary{lang}>{}</summary><p{lang}>{}</p>",
        escape_html(&entry.name),
        escape_html(&entry.description)
    );
    if !entry.allowed_with.is_empty() {
        let names: Vec<&str> = entry.allowed_with.iter().map(|c| t.category(*c)).collect();
        let _ = write!(
            html,
            "<p>{} {}</p>",
            escape_html(w.allowed_with),
            escape_html(&either(&names, w.or))
        );
    }
    if !entry.illustrations.is_empty() {
        let lang = if entry.english_illustrations {
            english
        } else {
            ""
        };
        let _ = write!(html, "<p>{}</p><ul{lang}>", escape_html(w.examples));
        for example in &entry.illustrations {
            let _ = write!(html, "<li>{}</li>", escape_html(example));
        }
        html.push_str("</ul>");
    }
    html.push_str("</details></li>");
}

fn vendor_item(
    html: &mut String,
    vendor: &TcfLayerVendor,
    w: &TcfWords,
    language: Language,
    english: &str,
    allowed: &[Category],
) {
    let needs: Vec<&str> = vendor.needs.iter().map(|c| c.as_str()).collect();
    // Both states are written; the stylesheet shows the one the choice in force gives. The
    // one rendered first is the state now, for a reader without the stylesheet.
    let (first, second) = if vendor.has_consent(allowed) {
        (("y", w.consent), ("n", w.no_consent))
    } else {
        (("n", w.no_consent), ("y", w.consent))
    };
    let _ = write!(
        html,
        "<li data-n=\"{}\"><details><summary>{} <span class=\"cy-{}\">({})</span><span class=\"cy-{}\">({})</span></summary><dl>",
        needs.join(" "),
        escape_html(&vendor.name),
        first.0,
        escape_html(first.1),
        second.0,
        escape_html(second.1),
    );
    let uses_retention = vendor
        .consent
        .iter()
        .chain(&vendor.legitimate_interest)
        .chain(&vendor.special_purposes)
        .map(|u| u.retention_days);
    let one_retention = same(uses_retention);
    let days = |u: &TcfUse| match (one_retention, u.retention_days) {
        (None, Some(d)) => Some(days_in_words(language, d)),
        _ => None,
    };
    for (term, uses) in [
        (w.consent_purposes, &vendor.consent),
        (w.legitimate_interest, &vendor.legitimate_interest),
        (w.special_purposes, &vendor.special_purposes),
        (w.features, &vendor.features),
        (w.special_features, &vendor.special_features),
    ] {
        if uses.is_empty() {
            continue;
        }
        let _ = write!(html, "<dt>{}</dt>", escape_html(term));
        for u in uses {
            let lang = if u.english { english } else { "" };
            let _ = write!(html, "<dd{lang}>{}", escape_html(&u.name));
            if let Some(days) = days(u) {
                let _ = write!(html, " ({})", escape_html(&days));
            }
            html.push_str("</dd>");
        }
    }
    if let Some(days) = one_retention {
        let _ = write!(
            html,
            "<dt>{}</dt><dd>{}</dd>",
            escape_html(w.retention),
            escape_html(&days_in_words(language, days))
        );
    }
    if !vendor.data_categories.is_empty() {
        let _ = write!(html, "<dt>{}</dt>", escape_html(w.data));
        for u in &vendor.data_categories {
            let lang = if u.english { english } else { "" };
            let _ = write!(html, "<dd{lang}>{}</dd>", escape_html(&u.name));
        }
    }
    let storage = storage_in_words(&vendor.storage, w, language);
    if !storage.is_empty() {
        let _ = write!(
            html,
            "<dt>{}</dt><dd>{}</dd>",
            escape_html(w.storage),
            escape_html(&storage)
        );
    }
    html.push_str("</dl>");
    let links: Vec<(&str, &str)> = [
        (vendor.privacy_url.as_deref(), w.privacy_policy),
        (
            vendor.legitimate_interest_url.as_deref(),
            w.legitimate_interest_claim,
        ),
    ]
    .into_iter()
    .filter_map(|(url, label)| Some((web_url(url?)?, label)))
    .collect();
    if !links.is_empty() {
        html.push_str("<p>");
        for (i, (url, label)) in links.iter().enumerate() {
            if i > 0 {
                html.push_str(" &middot; ");
            }
            let _ = write!(
                html,
                "<a href=\"{}\" target=\"_blank\" rel=\"noopener noreferrer\">{}</a>",
                escape_html(url),
                escape_html(label)
            );
        }
        html.push_str("</p>");
    }
    html.push_str("</details></li>");
}

/// The one value every item has, when they all have the same (and there is at least one).
fn same(mut values: impl Iterator<Item = Option<u32>>) -> Option<u32> {
    let first = values.next()??;
    values.all(|v| v == Some(first)).then_some(first)
}

/// `a`, `a or b`, `a, b or c`.
fn either(names: &[&str], or: &str) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} {or} {last}", rest.join(", ")),
    }
}

fn days_in_words(language: Language, days: u32) -> String {
    lifetime(
        language,
        Lifetime::For {
            count: days,
            unit: LifetimeUnit::Day,
        },
    )
}

/// A vendor's storage in words: its cookies and their lifetime, whether they are renewed,
/// other storage.
fn storage_in_words(storage: &TcfStorage, w: &TcfWords, language: Language) -> String {
    let mut parts: Vec<String> = Vec::new();
    if storage.uses_cookies == Some(false) {
        parts.push(w.no_cookies.to_owned());
    } else {
        match storage.cookie_max_age_seconds {
            Some(secs) if secs <= 0 => parts.push(w.session_cookies.to_owned()),
            Some(secs) => parts.push(format!(
                "{} {}",
                w.cookies_for,
                lifetime(language, seconds_lifetime(secs.unsigned_abs()))
            )),
            None => {}
        }
        if storage.cookie_refresh == Some(true) && !parts.is_empty() {
            parts.push(w.refreshed.to_owned());
        }
    }
    if storage.uses_non_cookie_access == Some(true) {
        parts.push(w.other_storage.to_owned());
    }
    parts.join("; ")
}

/// Seconds in the largest unit that divides them, else in whole days (or minutes, under a
/// day): a cookie of 397 days is not "1 year".
fn seconds_lifetime(secs: u64) -> Lifetime {
    let units = [
        (365 * 86_400, LifetimeUnit::Year),
        (30 * 86_400, LifetimeUnit::Month),
        (86_400, LifetimeUnit::Day),
        (3_600, LifetimeUnit::Hour),
    ];
    let (count, unit) = units
        .into_iter()
        .find(|(size, _)| secs >= *size && secs % size == 0)
        .map(|(size, unit)| (secs / size, unit))
        .unwrap_or(if secs >= 86_400 {
            (secs / 86_400, LifetimeUnit::Day)
        } else {
            (secs.div_ceil(60), LifetimeUnit::Minute)
        });
    Lifetime::For {
        count: u32::try_from(count).unwrap_or(u32::MAX),
        unit,
    }
}

/// `url` when it is an `http` or `https` address (a vendor list is data, and a `javascript:`
/// link must never reach the page).
fn web_url(url: &str) -> Option<&str> {
    let url = url.trim();
    let scheme = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let web = scheme.starts_with("https://") || scheme.starts_with("http://");
    (web && !url.chars().any(|c| c.is_whitespace() || c.is_control())).then_some(url)
}

#[cfg(test)]
mod tests;
