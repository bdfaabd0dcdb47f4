//! The declaration's own words in each language; category names, their purposes and "this
//! site" are the banner's (with the site's replacements), so both say the same.

use consentry_banner::Language;

/// The words of the cookie declaration in one language.
#[derive(Debug)]
pub(crate) struct DeclarationTexts {
    /// The page's title.
    pub title: &'static str,
    /// What the table is.
    pub intro: &'static str,
    /// Column: who sets it.
    pub provider: &'static str,
    /// Column: its category.
    pub kind: &'static str,
    /// Column: its name.
    pub name: &'static str,
    /// Column: how long it is kept.
    pub retention: &'static str,
    /// Column: what it is for.
    pub purpose: &'static str,
    /// A lifetime nobody knows.
    pub unknown: &'static str,
    /// A category without cookies.
    pub none: &'static str,
    /// Where the visitor changes their choice.
    pub change: &'static str,
    /// The consent cookie's purpose.
    pub consent_purpose: &'static str,
    /// The attribution of the open data: descriptions marked ¹ come from the Open Cookie
    /// Database; trackers are recognised with WhoTracks.me's database.
    pub sources: &'static str,
    /// What the consent regime that applies to the reader means for these cookies, by regime:
    /// opt-in, opt-out, notice, none.
    pub regimes: [&'static str; 4],
}

impl DeclarationTexts {
    /// The sentence for `regime`.
    pub fn regime(&self, regime: consentry_config::Regime) -> &'static str {
        use consentry_config::Regime;
        match regime {
            Regime::OptIn => self.regimes[0],
            Regime::OptOut => self.regimes[1],
            Regime::Notice => self.regimes[2],
            Regime::None => self.regimes[3],
        }
    }
}

static NL: DeclarationTexts = DeclarationTexts {
    title: "Cookieverklaring",
    intro: "Deze tabel toont alle cookies die op deze site worden geplaatst, per soort. De lijst wordt automatisch bijgehouden op basis van de cookies die de site werkelijk plaatst.",
    provider: "Herkomst",
    kind: "Soort",
    name: "Naam",
    retention: "Bewaartermijn",
    purpose: "Doel",
    unknown: "onbekend",
    none: "Geen cookies van deze soort.",
    change: "Uw keuze wijzigen",
    consent_purpose: "Onthoudt welke cookies u hebt toegestaan.",
    sources: "Beschrijvingen gemarkeerd met \u{b9} komen uit de Open Cookie Database (Apache-2.0); trackers worden herkend met de trackerdatabase van WhoTracks.me (CC BY 4.0).",
    regimes: [
        "Waar u zich bevindt, worden cookies die niet noodzakelijk zijn alleen met uw toestemming geplaatst (opt-in).",
        "Waar u zich bevindt, mogen deze cookies worden geplaatst tenzij u bezwaar maakt tegen de verkoop en het delen van uw persoonsgegevens (opt-out). Het signaal Global Privacy Control van uw browser geldt als zo'n bezwaar.",
        "Waar u zich bevindt, informeert deze site u over de cookies die ze plaatst (kennisgeving); u kunt ze nog steeds weigeren.",
        "Waar u zich bevindt, gelden voor deze cookies geen toestemmingsregels; u kunt ze nog steeds weigeren.",
    ],
};

static EN: DeclarationTexts = DeclarationTexts {
    title: "Cookie declaration",
    intro: "This table lists every cookie this site places, by type. It is kept up to date automatically from the cookies the site really places.",
    provider: "Provider",
    kind: "Type",
    name: "Name",
    retention: "Retention",
    purpose: "Purpose",
    unknown: "unknown",
    none: "No cookies of this type.",
    change: "Change your choice",
    consent_purpose: "Remembers which cookies you allowed.",
    sources: "Descriptions marked \u{b9} come from the Open Cookie Database (Apache-2.0); trackers are recognised with WhoTracks.me's tracker database (CC BY 4.0).",
    regimes: [
        "Where you are, cookies that are not necessary are placed only with your consent (opt-in).",
        "Where you are, these cookies may be placed unless you opt out of the sale and sharing of your personal information (opt-out). Your browser's Global Privacy Control signal counts as such an opt-out.",
        "Where you are, this site informs you of the cookies it places (notice); you can still refuse them.",
        "Where you are, no consent rules apply to these cookies; you can still refuse them.",
    ],
};

static DE: DeclarationTexts = DeclarationTexts {
    title: "Cookie-Erkl\u{e4}rung",
    intro: "Diese Tabelle zeigt alle Cookies, die diese Website setzt, nach Art. Sie wird automatisch anhand der Cookies gepflegt, die die Website tats\u{e4}chlich setzt.",
    provider: "Anbieter",
    kind: "Art",
    name: "Name",
    retention: "Speicherdauer",
    purpose: "Zweck",
    unknown: "unbekannt",
    none: "Keine Cookies dieser Art.",
    change: "Auswahl \u{e4}ndern",
    consent_purpose: "Speichert, welche Cookies Sie erlaubt haben.",
    sources: "Mit \u{b9} markierte Beschreibungen stammen aus der Open Cookie Database (Apache-2.0); Tracker werden mit der Tracker-Datenbank von WhoTracks.me (CC BY 4.0) erkannt.",
    regimes: [
        "Dort, wo Sie sich befinden, werden nicht notwendige Cookies nur mit Ihrer Einwilligung gesetzt (Opt-in).",
        "Dort, wo Sie sich befinden, d\u{fc}rfen diese Cookies gesetzt werden, solange Sie dem Verkauf und der Weitergabe Ihrer personenbezogenen Daten nicht widersprechen (Opt-out). Das Signal Global Privacy Control Ihres Browsers gilt als solcher Widerspruch.",
        "Dort, wo Sie sich befinden, informiert diese Website \u{fc}ber die Cookies, die sie setzt (Hinweis); Sie k\u{f6}nnen sie trotzdem ablehnen.",
        "Dort, wo Sie sich befinden, gelten f\u{fc}r diese Cookies keine Einwilligungsregeln; Sie k\u{f6}nnen sie trotzdem ablehnen.",
    ],
};

static FR: DeclarationTexts = DeclarationTexts {
    title: "D\u{e9}claration relative aux cookies",
    intro: "Ce tableau liste tous les cookies d\u{e9}pos\u{e9}s par ce site, par type. Il est tenu \u{e0} jour automatiquement \u{e0} partir des cookies que le site d\u{e9}pose r\u{e9}ellement.",
    provider: "Fournisseur",
    kind: "Type",
    name: "Nom",
    retention: "Dur\u{e9}e de conservation",
    purpose: "Finalit\u{e9}",
    unknown: "inconnue",
    none: "Aucun cookie de ce type.",
    change: "Modifier votre choix",
    consent_purpose: "M\u{e9}morise les cookies que vous avez accept\u{e9}s.",
    sources: "Les descriptions marqu\u{e9}es \u{b9} proviennent de l'Open Cookie Database (Apache-2.0)\u{a0}; les traceurs sont reconnus gr\u{e2}ce \u{e0} la base de donn\u{e9}es de WhoTracks.me (CC BY 4.0).",
    regimes: [
        "L\u{e0} o\u{f9} vous vous trouvez, les cookies non n\u{e9}cessaires ne sont d\u{e9}pos\u{e9}s qu'avec votre consentement (opt-in).",
        "L\u{e0} o\u{f9} vous vous trouvez, ces cookies peuvent \u{ea}tre d\u{e9}pos\u{e9}s sauf si vous vous opposez \u{e0} la vente et au partage de vos donn\u{e9}es personnelles (opt-out). Le signal Global Privacy Control de votre navigateur vaut opposition.",
        "L\u{e0} o\u{f9} vous vous trouvez, ce site vous informe des cookies qu'il d\u{e9}pose (information)\u{a0}; vous pouvez toujours les refuser.",
        "L\u{e0} o\u{f9} vous vous trouvez, aucune r\u{e8}gle de consentement ne s'applique \u{e0} ces cookies\u{a0}; vous pouvez toujours les refuser.",
    ],
};

/// The declaration's words in `language`.
pub(crate) fn texts(language: Language) -> &'static DeclarationTexts {
    match language {
        Language::Nl => &NL,
        Language::En => &EN,
        Language::De => &DE,
        Language::Fr => &FR,
    }
}
