//! Dutch.

use super::{Builtin, Units};

pub(crate) static TEXTS: Builtin = Builtin {
    title: "Cookies op deze site",
    body: "We gebruiken cookies die nodig zijn om de site te laten werken. Met uw toestemming gebruiken we ook cookies voor statistieken en marketing. U kunt uw keuze altijd wijzigen via Cookie-instellingen.",
    accept_all: "Alles accepteren",
    reject_all: "Alles weigeren",
    settings: "Instellingen",
    save: "Keuze opslaan",
    manage: "Cookie-instellingen",
    privacy: "Privacyverklaring",
    choose: "Kies welke cookies u toestaat",
    always_on: "altijd aan",
    cookies: "Partijen en cookies",
    this_site: "Deze site",
    saved: "Uw keuze is opgeslagen.",
    embed_blocked: "Deze inhoud van {vendor} is geblokkeerd totdat u cookies voor {category} toestaat.",
    necessary: "Noodzakelijk",
    preferences: "Voorkeuren",
    analytics: "Statistieken",
    marketing: "Marketing",
    necessary_purpose: "Nodig om de site te laten werken, zoals uw sessie, beveiliging en deze keuze. Ze kunnen niet uit.",
    preferences_purpose: "Onthouden uw instellingen, zoals taal of regio, en maken extra functies mogelijk.",
    analytics_purpose: "Tellen bezoeken en laten zien hoe de site wordt gebruikt, zodat we die kunnen verbeteren.",
    marketing_purpose: "Laten advertentiepartners en ingesloten media u over sites heen herkennen om relevante advertenties en inhoud te tonen.",
    notice_body: "We gebruiken cookies om de site te laten werken, uw voorkeuren te onthouden, bezoeken te tellen en voor marketing. Wat u niet wilt, zet u uit via Cookie-instellingen.",
    acknowledge: "OK",
    opt_out_body: "We gebruiken cookies, ook voor advertenties, en u kunt altijd bezwaar maken tegen de verkoop en het delen van uw persoonsgegevens.",
    opt_out_link: "Mijn persoonsgegevens niet verkopen of delen",
    opt_out_explain: "Als u bezwaar maakt, zet deze site voor deze browser de advertentiecookies uit en de cookies en scripts die u over sites heen volgen. Uw persoonsgegevens worden dan niet meer verkocht of gedeeld voor advertenties. De cookies die nodig zijn om de site te laten werken, blijven aan.",
    opt_out_gpc: "Stuurt uw browser het signaal Global Privacy Control mee, dan geldt dat automatisch als bezwaar.",
    opt_out_button: "Bezwaar maken",
    opted_out: "U hebt bezwaar gemaakt: advertentiecookies en cookies en scripts die u over sites heen volgen, staan op deze site uit voor deze browser.",
    back_to_site: "Terug naar de site",
};

pub(crate) static UNITS: Units = Units {
    minute: ["minuut", "minuten"],
    hour: ["uur", "uur"],
    day: ["dag", "dagen"],
    month: ["maand", "maanden"],
    year: ["jaar", "jaar"],
    session: "sessie",
    unknown: "onbekend",
};
