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
    notice_body: "Wir verwenden Cookies, damit die Website funktioniert, um Ihre Einstellungen zu speichern, Besuche zu z\u{e4}hlen und f\u{fc}r Marketing. Was Sie nicht m\u{f6}chten, schalten Sie unter Cookie-Einstellungen ab.",
    acknowledge: "OK",
    opt_out_body: "Wir verwenden Cookies, auch f\u{fc}r Werbung, und Sie k\u{f6}nnen dem Verkauf und der Weitergabe Ihrer personenbezogenen Daten jederzeit widersprechen.",
    opt_out_link: "Meine personenbezogenen Daten nicht verkaufen oder weitergeben",
    opt_out_explain: "Wenn Sie widersprechen, schaltet diese Website f\u{fc}r diesen Browser Werbe-Cookies ab, ebenso Cookies und Skripte, die Sie website\u{fc}bergreifend verfolgen. Ihre personenbezogenen Daten werden dann nicht mehr f\u{fc}r Werbung verkauft oder weitergegeben. Die Cookies, die f\u{fc}r den Betrieb der Website n\u{f6}tig sind, bleiben aktiv.",
    opt_out_gpc: "Sendet Ihr Browser das Signal Global Privacy Control, gilt das automatisch als Widerspruch.",
    opt_out_button: "Widersprechen",
    opted_out: "Sie haben widersprochen: Werbe-Cookies sowie Cookies und Skripte, die Sie website\u{fc}bergreifend verfolgen, sind auf dieser Website f\u{fc}r diesen Browser abgeschaltet.",
    back_to_site: "Zur\u{fc}ck zur Website",
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
