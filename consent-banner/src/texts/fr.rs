//! French.

use super::{Builtin, Units};

pub(crate) static TEXTS: Builtin = Builtin {
    title: "Cookies sur ce site",
    body: "Nous utilisons des cookies n\u{e9}cessaires au fonctionnement du site. Avec votre accord, nous utilisons aussi des cookies de statistiques et de marketing. Vous pouvez modifier votre choix \u{e0} tout moment dans Param\u{e8}tres des cookies.",
    accept_all: "Tout accepter",
    reject_all: "Tout refuser",
    settings: "Param\u{e8}tres",
    save: "Enregistrer mes choix",
    manage: "Param\u{e8}tres des cookies",
    privacy: "D\u{e9}claration de confidentialit\u{e9}",
    choose: "Choisissez les cookies que vous autorisez",
    always_on: "toujours actifs",
    cookies: "Partenaires et cookies",
    this_site: "Ce site",
    saved: "Votre choix a \u{e9}t\u{e9} enregistr\u{e9}.",
    embed_blocked: "Ce contenu de {vendor} est bloqu\u{e9} tant que vous n'autorisez pas les cookies de la cat\u{e9}gorie {category}.",
    necessary: "N\u{e9}cessaires",
    preferences: "Pr\u{e9}f\u{e9}rences",
    analytics: "Statistiques",
    marketing: "Marketing",
    necessary_purpose: "Indispensables au fonctionnement du site, par exemple pour votre session, la s\u{e9}curit\u{e9} et ce choix. Ils ne peuvent pas \u{ea}tre d\u{e9}sactiv\u{e9}s.",
    preferences_purpose: "M\u{e9}morisent vos r\u{e9}glages, comme la langue ou la r\u{e9}gion, et activent des fonctions suppl\u{e9}mentaires.",
    analytics_purpose: "Comptent les visites et montrent comment le site est utilis\u{e9}, afin que nous puissions l'am\u{e9}liorer.",
    marketing_purpose: "Permettent aux partenaires publicitaires et aux contenus int\u{e9}gr\u{e9}s de vous reconna\u{ee}tre d'un site \u{e0} l'autre pour afficher des publicit\u{e9}s et contenus pertinents.",
    notice_body: "Nous utilisons des cookies pour faire fonctionner le site, m\u{e9}moriser vos pr\u{e9}f\u{e9}rences, mesurer l'audience et \u{e0} des fins marketing. Vous pouvez d\u{e9}sactiver ceux que vous ne souhaitez pas dans Param\u{e8}tres des cookies.",
    acknowledge: "OK",
    opt_out_body: "Nous utilisons des cookies, notamment \u{e0} des fins publicitaires, et vous pouvez vous opposer \u{e0} tout moment \u{e0} la vente et au partage de vos informations personnelles.",
    opt_out_link: "Ne pas vendre ni partager mes informations personnelles",
    opt_out_explain: "Si vous vous y opposez, ce site d\u{e9}sactive pour ce navigateur les cookies publicitaires ainsi que les cookies et scripts qui vous suivent d'un site \u{e0} l'autre. Vos informations personnelles ne sont alors plus vendues ni partag\u{e9}es \u{e0} des fins publicitaires. Les cookies n\u{e9}cessaires au fonctionnement du site restent actifs.",
    opt_out_gpc: "Si votre navigateur envoie le signal Global Privacy Control, nous le traitons automatiquement comme une opposition.",
    opt_out_button: "Refuser la vente et le partage",
    opted_out: "Votre opposition est enregistr\u{e9}e : les cookies publicitaires et les cookies et scripts qui vous suivent d'un site \u{e0} l'autre sont d\u{e9}sactiv\u{e9}s sur ce site pour ce navigateur.",
    back_to_site: "Retour au site",
};

pub(crate) static UNITS: Units = Units {
    minute: ["minute", "minutes"],
    hour: ["heure", "heures"],
    day: ["jour", "jours"],
    month: ["mois", "mois"],
    year: ["an", "ans"],
    session: "session",
    unknown: "inconnue",
};
