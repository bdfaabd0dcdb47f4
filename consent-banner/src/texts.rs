//! The banner's texts per language.

use consentry_config::Category;

use crate::Language;

/// Every text the banner shows.
pub(crate) struct Texts {
    pub title: &'static str,
    pub body: &'static str,
    pub accept_all: &'static str,
    pub reject_all: &'static str,
    pub settings: &'static str,
    pub save: &'static str,
    pub manage: &'static str,
    pub privacy: &'static str,
    pub choose: &'static str,
    pub always_on: &'static str,
    pub embed_blocked: &'static str,
}

pub(crate) fn texts(lang: Language) -> &'static Texts {
    match lang {
        Language::En => &EN,
        Language::Nl => &NL,
    }
}

pub(crate) fn category_name(lang: Language, category: Category) -> &'static str {
    match (lang, category) {
        (Language::En, Category::Necessary) => "Necessary",
        (Language::En, Category::Preferences) => "Preferences",
        (Language::En, Category::Analytics) => "Statistics",
        (Language::En, Category::Marketing) => "Marketing",
        (Language::Nl, Category::Necessary) => "Noodzakelijk",
        (Language::Nl, Category::Preferences) => "Voorkeuren",
        (Language::Nl, Category::Analytics) => "Statistieken",
        (Language::Nl, Category::Marketing) => "Marketing",
    }
}

static EN: Texts = Texts {
    title: "Cookies on this site",
    body: "We use cookies that the site needs to work. With your permission we also use cookies for statistics and marketing. You can change your choice at any time.",
    accept_all: "Accept all",
    reject_all: "Reject all",
    settings: "Settings",
    save: "Save choices",
    manage: "Cookie settings",
    privacy: "Privacy statement",
    choose: "Choose which cookies you allow",
    always_on: "always on",
    embed_blocked: "This content from {vendor} is blocked until you allow {category} cookies.",
};

static NL: Texts = Texts {
    title: "Cookies op deze site",
    body: "We gebruiken cookies die nodig zijn om de site te laten werken. Met uw toestemming gebruiken we ook cookies voor statistieken en marketing. U kunt uw keuze altijd wijzigen.",
    accept_all: "Alles accepteren",
    reject_all: "Alles weigeren",
    settings: "Instellingen",
    save: "Keuze opslaan",
    manage: "Cookie-instellingen",
    privacy: "Privacyverklaring",
    choose: "Kies welke cookies u toestaat",
    always_on: "altijd aan",
    embed_blocked: "Deze inhoud van {vendor} is geblokkeerd totdat u cookies voor {category} toestaat.",
};
