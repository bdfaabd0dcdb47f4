//! German.

use super::{Builtin, Units};

pub(crate) static TEXTS: Builtin = Builtin {
    title: "Cookies auf dieser Website",
    body: "Wir verwenden Cookies, die f\u{fc}r den Betrieb der Website n\u{f6}tig sind. Mit Ihrer Einwilligung verwenden wir auch Cookies f\u{fc}r Statistik und Marketing. Sie k\u{f6}nnen Ihre Wahl jederzeit unter Cookie-Einstellungen \u{e4}ndern.",
    accept_all: "Alle akzeptieren",
    reject_all: "Alle ablehnen",
    settings: "Einstellungen",
    save: "Auswahl speichern",
    manage: "Cookie-Einstellungen",
    privacy: "Datenschutzerkl\u{e4}rung",
    choose: "W\u{e4}hlen Sie, welche Cookies Sie erlauben",
    always_on: "immer aktiv",
    cookies: "Anbieter und Cookies",
    this_site: "Diese Website",
    saved: "Ihre Auswahl wurde gespeichert.",
    embed_blocked: "Dieser Inhalt von {vendor} ist blockiert, bis Sie Cookies f\u{fc}r {category} erlauben.",
    necessary: "Notwendig",
    preferences: "Pr\u{e4}ferenzen",
    analytics: "Statistik",
    marketing: "Marketing",
    necessary_purpose: "F\u{fc}r den Betrieb der Website n\u{f6}tig, etwa f\u{fc}r Ihre Sitzung, die Sicherheit und diese Auswahl. Sie lassen sich nicht abschalten.",
    preferences_purpose: "Speichern Ihre Einstellungen wie Sprache oder Region und erm\u{f6}glichen zus\u{e4}tzliche Funktionen.",
    analytics_purpose: "Z\u{e4}hlen Besuche und zeigen, wie die Website genutzt wird, damit wir sie verbessern k\u{f6}nnen.",
    marketing_purpose: "Lassen Werbepartner und eingebettete Medien Sie website\u{fc}bergreifend wiedererkennen, um passende Werbung und Inhalte zu zeigen.",
};

pub(crate) static UNITS: Units = Units {
    minute: ["Minute", "Minuten"],
    hour: ["Stunde", "Stunden"],
    day: ["Tag", "Tage"],
    month: ["Monat", "Monate"],
    year: ["Jahr", "Jahre"],
    session: "Sitzung",
    unknown: "unbekannt",
};
