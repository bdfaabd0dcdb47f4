//! What a `User-Agent` header says, as coarsely as Consentry needs it: a person's browser or
//! a bot, the browser family (for consent records) and the device class (for analytics).
//!
//! Tokens, not regular expressions: the parsers on crates.io (woothee, uap) compile regex
//! sets, which cost the Worker about 245 KB gzipped (a quarter of its budget) and a parse
//! 1.6 µs; these three facts need a few substring checks in a fixed order (most specific
//! token first, since nearly every agent also claims to be Mozilla, Safari or Chrome).

/// The class of device a page was viewed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Device {
    /// A desktop or laptop browser.
    Desktop,
    /// A phone.
    Phone,
    /// A tablet.
    Tablet,
    /// Anything else a person uses (TVs, consoles, unknown agents).
    Other,
}

impl Device {
    /// The name in reports.
    pub const fn as_str(self) -> &'static str {
        match self {
            Device::Desktop => "desktop",
            Device::Phone => "phone",
            Device::Tablet => "tablet",
            Device::Other => "other",
        }
    }
}

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agent {
    /// A person's browser, on this class of device.
    Person(Device),
    /// A crawler, bot, monitor, HTTP library or headless browser: not counted, no family.
    Bot,
}

/// Tokens (lower case) of crawlers, link previewers, monitors, HTTP libraries and headless
/// browsers. "bot", "crawl" and "spider" alone catch most crawlers (Googlebot, bingbot,
/// YandexBot, Baiduspider, AhrefsBot, ...); the rest name those that say neither.
const BOT_TOKENS: [&str; 42] = [
    "bot",
    "crawl",
    "spider",
    "slurp",
    "scrape",
    "archiver",
    "headless",
    "phantomjs",
    "lighthouse",
    "pagespeed",
    "pingdom",
    "uptime",
    "monitor",
    "statuscake",
    "newrelic",
    "datadog",
    "facebookexternalhit",
    "facebookcatalog",
    "mediapartners-google",
    "adsbot-google",
    "google-read-aloud",
    "feedfetcher",
    "embedly",
    "whatsapp",
    "telegram",
    "skypeuripreview",
    "vkshare",
    "w3c_validator",
    "curl/",
    "wget/",
    "python-",
    "python/",
    "go-http-client",
    "java/",
    "okhttp",
    "axios/",
    "node-fetch",
    "undici",
    "httpclient",
    "libwww",
    "postman",
    "insomnia",
];

/// Browser families by their own token, most specific first.
const BROWSERS: [(&str, &str); 14] = [
    ("edg/", "Edge"),
    ("edga/", "Edge"),
    ("edgios/", "Edge"),
    ("edge/", "Edge"),
    ("opr/", "Opera"),
    ("opera", "Opera"),
    ("samsungbrowser/", "Samsung Internet"),
    ("yabrowser/", "Yandex Browser"),
    ("vivaldi/", "Vivaldi"),
    ("firefox/", "Firefox"),
    ("fxios/", "Firefox"),
    ("crios/", "Chrome"),
    ("chrome/", "Chrome"),
    ("chromium/", "Chromium"),
];

/// What a user agent is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserAgent {
    /// A person (on which device) or a bot.
    pub agent: Agent,
    /// The browser family, for a person's browser that we know.
    pub browser: Option<&'static str>,
}

impl UserAgent {
    /// Reads a `User-Agent` header; no agent at all is a bot.
    pub fn parse(user_agent: Option<&str>) -> UserAgent {
        let bot = UserAgent {
            agent: Agent::Bot,
            browser: None,
        };
        let Some(ua) = user_agent.map(str::trim).filter(|ua| !ua.is_empty()) else {
            return bot;
        };
        let lower = ua.to_ascii_lowercase();
        if BOT_TOKENS.iter().any(|t| lower.contains(t))
            || !lower.starts_with("mozilla/") && !lower.starts_with("opera")
        {
            return bot;
        }
        UserAgent {
            agent: Agent::Person(device(&lower)),
            browser: browser(&lower),
        }
    }
}

fn browser(lower: &str) -> Option<&'static str> {
    if let Some((_, name)) = BROWSERS.iter().find(|(token, _)| lower.contains(token)) {
        return Some(name);
    }
    if lower.contains("msie ") || lower.contains("trident/") {
        return Some("Internet Explorer");
    }
    // Safari says "Version/x Safari/y"; other WebKit browsers were caught above.
    if lower.contains("safari/") && lower.contains("version/") {
        return Some("Safari");
    }
    None
}

fn device(lower: &str) -> Device {
    let has = |token: &str| lower.contains(token);
    if has("ipad") || has("tablet") || has("kindle") || has("silk/") || has("playbook") {
        return Device::Tablet;
    }
    if has("android") {
        // Android phones say "Mobile"; Android tablets do not.
        return if has("mobile") {
            Device::Phone
        } else {
            Device::Tablet
        };
    }
    if has("iphone") || has("ipod") || has("windows phone") || has("mobile") || has("blackberry") {
        return Device::Phone;
    }
    if has("smart-tv")
        || has("smarttv")
        || has("tizen")
        || has("web0s")
        || has("playstation")
        || has("xbox")
        || has("nintendo")
    {
        return Device::Other;
    }
    if has("windows nt") || has("macintosh") || has("x11") || has("cros") || has("linux") {
        return Device::Desktop;
    }
    Device::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(ua: &str) -> (Agent, Option<&'static str>) {
        let parsed = UserAgent::parse(Some(ua));
        (parsed.agent, parsed.browser)
    }

    #[test]
    fn browsers_and_devices_are_told_apart() {
        use Device::*;
        let cases: [(&str, Agent, Option<&str>); 12] = [
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", Agent::Person(Desktop), Some("Chrome")),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", Agent::Person(Desktop), Some("Edge")),
            ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", Agent::Person(Desktop), Some("Firefox")),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", Agent::Person(Desktop), Some("Safari")),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", Agent::Person(Phone), Some("Safari")),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1", Agent::Person(Phone), Some("Chrome")),
            ("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", Agent::Person(Tablet), Some("Safari")),
            ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", Agent::Person(Phone), Some("Chrome")),
            ("Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", Agent::Person(Tablet), Some("Chrome")),
            ("Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36", Agent::Person(Phone), Some("Samsung Internet")),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/114.0.0.0", Agent::Person(Desktop), Some("Opera")),
            ("Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko", Agent::Person(Desktop), Some("Internet Explorer")),
        ];
        for (ua, agent, browser) in cases {
            assert_eq!(of(ua), (agent, browser), "{ua}");
        }
    }

    #[test]
    fn bots_tools_and_headless_browsers_are_bots() {
        for ua in [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
            "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
            "curl/8.5.0",
            "python-requests/2.32.3",
            "Go-http-client/1.1",
            "wrk/4.2.0",
            "",
        ] {
            assert_eq!(UserAgent::parse(Some(ua)).agent, Agent::Bot, "{ua}");
        }
        assert_eq!(UserAgent::parse(None).agent, Agent::Bot);
    }
}
