//! English.

use super::{Builtin, Units};

pub(crate) static TEXTS: Builtin = Builtin {
    title: "Cookies on this site",
    body: "We use cookies that the site needs to work. With your permission we also use cookies for statistics and marketing. You can change your choice at any time under Cookie settings.",
    accept_all: "Accept all",
    reject_all: "Reject all",
    settings: "Settings",
    save: "Save choices",
    manage: "Cookie settings",
    privacy: "Privacy statement",
    choose: "Choose which cookies you allow",
    always_on: "always on",
    cookies: "Vendors and cookies",
    this_site: "This site",
    saved: "Your choice has been saved.",
    embed_blocked: "This content from {vendor} is blocked until you allow {category} cookies.",
    necessary: "Necessary",
    preferences: "Preferences",
    analytics: "Statistics",
    marketing: "Marketing",
    necessary_purpose: "Needed for the site to work, such as your session, security and this choice. They cannot be switched off.",
    preferences_purpose: "Remember your settings, such as language or region, and enable extra functions.",
    analytics_purpose: "Count visits and show how the site is used, so that we can improve it.",
    marketing_purpose: "Let advertising partners and embedded media recognise you across sites to show relevant ads and content.",
    notice_body: "We use cookies to make this site work, to remember your preferences, to count visits and for marketing. You can switch off the ones you do not want under Cookie settings.",
    acknowledge: "OK",
    opt_out_body: "We use cookies, including for advertising, and you can opt out of the sale and sharing of your personal information at any time.",
    opt_out_link: "Do Not Sell or Share My Personal Information",
    opt_out_explain: "Opting out switches off advertising and cross-site tracking cookies and scripts on this site for this browser, so your personal information is no longer sold or shared for advertising. The cookies the site needs to work stay on.",
    opt_out_gpc: "If your browser sends the Global Privacy Control signal, we honour it as an opt-out automatically.",
    opt_out_button: "Opt out",
    opted_out: "You have opted out: advertising and cross-site tracking cookies and scripts are switched off on this site for this browser.",
    back_to_site: "Back to the site",
};

pub(crate) static UNITS: Units = Units {
    minute: ["minute", "minutes"],
    hour: ["hour", "hours"],
    day: ["day", "days"],
    month: ["month", "months"],
    year: ["year", "years"],
    session: "session",
    unknown: "unknown",
};
