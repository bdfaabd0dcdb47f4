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
