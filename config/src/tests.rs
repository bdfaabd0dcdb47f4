use super::*;

fn problems(source: &str) -> Vec<Problem> {
    match Config::from_toml(source, "test.toml") {
        Ok(_) => panic!("expected the config to be rejected"),
        Err(e) => e.problems().to_vec(),
    }
}

#[test]
fn starter_config_is_valid() {
    let config =
        Config::from_toml(STARTER_CONFIG, "consentry.toml").expect("starter config validates");
    assert_eq!(config.sites.len(), 1);
    let site = &config.sites[0];
    assert!(site
        .hosts
        .contains(&HostPattern::Exact("www.example.com".into())));
    assert_eq!(site.cookie_rules.len(), 3);
    assert_eq!(config.consent.unknown_cookies, UnknownCookies::default());
}

#[test]
fn unknown_cookies_can_be_judged_by_their_flags_alone() {
    let config = Config::from_toml(
        "[consent]\nunknown_cookies = \"traits\"\n[[site]]\nhosts = [\"a.test\"]\nupstream = \"http://127.0.0.1:9000\"\n",
        "traits.toml",
    )
    .expect("valid");
    assert_eq!(
        config.consent.unknown_cookies,
        UnknownCookies::Traits {
            fallback: Category::Marketing
        }
    );
}

#[test]
fn minimal_config_takes_defaults() {
    let config = Config::from_toml(
        "[[site]]\nhosts = [\"a.test\"]\nupstream = \"http://127.0.0.1:9000\"\n",
        "min.toml",
    )
    .expect("valid");
    assert_eq!(config.server.timeouts, Timeouts::default());
    assert_eq!(config.consent.policy_version, 1);
    assert_eq!(
        config.server.data_dir,
        std::path::PathBuf::from(DEFAULT_DATA_DIR)
    );
}

#[test]
fn syntax_error_names_file_and_line() {
    let found = problems("[server]\nlisten = \"0.0.0.0:80\"\nlisten2 = \n");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].file, "test.toml");
    assert_eq!(found[0].line, 3);
}

#[test]
fn unknown_key_is_named_with_its_line() {
    let found = problems(
        "[[site]]\nhosts = [\"a.test\"]\nupstream = \"http://x.test\"\nupstraem = \"oops\"\n",
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].line, 4);
    assert!(
        found[0].message.contains("upstraem"),
        "{}",
        found[0].message
    );
}

#[test]
fn every_bad_value_is_reported_with_line_and_key() {
    let source = r#"[server]
listen = "nowhere"
connect_timeout = "soon"

[consent]
unknown_cookies = "maybe"

[[site]]
hosts = ["good.test", "bad host"]
upstream = "ftp://origin.test"

[site.cookies]
analytics = ["ok_*", "bad;name"]
"#;
    let found = problems(source);
    let summary: Vec<(usize, &str)> = found.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(
        summary,
        vec![
            (2, "server.listen"),
            (3, "server.connect_timeout"),
            (6, "consent.unknown_cookies"),
            (9, "site[0].hosts[1]"),
            (10, "site[0].upstream"),
            (13, "site[0].cookies.analytics[1]"),
        ]
    );
    let text = ConfigError::Invalid(found).to_string();
    assert!(
        text.starts_with("test.toml:2:10: server.listen: "),
        "{text}"
    );
}

#[test]
fn allowed_trackers_are_read_and_checked() {
    let source = "[[site]]\nhosts = [\"a.test\"]\nupstream = \"http://o.test\"\nallow_trackers = [\"maps.googleapis.com\", \"/matomo.js\",\n  \"bad entry\"]\n";
    let found = problems(source);
    let summary: Vec<(usize, &str)> = found.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(summary, vec![(5, "site[0].allow_trackers[2]")]);
    let config = Config::from_toml(
        "[[site]]\nhosts = [\"a.test\"]\nupstream = \"http://o.test\"\nallow_trackers = [\"maps.googleapis.com\", \"/matomo.js\"]\n",
        "test.toml",
    )
    .expect("valid");
    assert_eq!(
        config.sites[0].allow_trackers,
        ["maps.googleapis.com", "/matomo.js"]
    );
}

#[test]
fn duplicate_hosts_across_sites_are_rejected() {
    let found = problems(
        "[[site]]\nhosts = [\"a.test\"]\nupstream = \"http://o1.test\"\n[[site]]\nhosts = [\"A.test\"]\nupstream = \"http://o2.test\"\n",
    );
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].line, found[0].key.as_str()),
        (5, "site[1].hosts[0]")
    );
}

#[test]
fn host_patterns_match_as_documented() {
    let sub = HostPattern::Subdomains("example.com".into());
    assert!(sub.matches("www.example.com"));
    assert!(!sub.matches("example.com"));
    assert!(!sub.matches("badexample.com"));
    assert!(HostPattern::Exact("example.com".into()).matches("example.com"));
    assert!(HostPattern::Any.matches("anything.test"));
}

#[test]
fn quick_start_rejects_a_bad_origin() {
    let listen = "127.0.0.1:0".parse().expect("addr");
    let err = Config::quick_start("localhost:8000", listen, "d".into()).expect_err("no scheme");
    assert!(err.to_string().starts_with("--to: "), "{err}");
    let ok = Config::quick_start("http://127.0.0.1:8000", listen, "d".into()).expect("valid");
    assert_eq!(ok.sites[0].hosts, vec![HostPattern::Any]);
}

#[test]
fn storage_and_record_settings_are_read_and_checked() {
    let config = Config::from_toml(
        "[consent]\nrecord_ip = \"omit\"\nretention = \"forever\"\n[storage]\nurl = \"postgres://u:p@127.0.0.1:5432/db\"\n[[site]]\nhosts = [\"a.test\"]\nupstream = \"http://o.test\"\n",
        "s.toml",
    )
    .expect("valid");
    assert_eq!(config.consent.record_ip, RecordIp::Omit);
    assert_eq!(config.consent.retention, None);
    assert_eq!(
        config.storage,
        Storage::Postgres("postgres://u:p@127.0.0.1:5432/db".into())
    );
    let found = problems("[consent]\nrecord_ip = \"full\"\n[storage]\nurl = \"mysql://x\"\n[[site]]\nhosts = [\"a.test\"]\nupstream = \"http://o.test\"\n");
    let keys: Vec<(usize, &str)> = found.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(keys, vec![(2, "consent.record_ip"), (4, "storage.url")]);
}

#[test]
fn banner_settings_are_read() {
    let config = Config::from_toml(
        r##"[[site]]
hosts = ["a.test"]
upstream = "http://o.test"
[site.banner]
languages = ["nl", "en"]
position = "corner"
[site.banner.theme]
background = "#FFF"
text = "#222222"
font = "Georgia, 'Times New Roman', serif"
[site.banner.texts.nl]
title = "Koekjes <b>hier</b>"
"##,
        "b.toml",
    )
    .expect("valid");
    let banner = &config.sites[0].banner;
    assert_eq!(banner.languages, vec!["nl", "en"]);
    assert_eq!(banner.position, BannerPosition::Corner);
    assert_eq!(banner.theme.background.as_deref(), Some("#fff"));
    assert_eq!(banner.texts.len(), 1);
    assert_eq!(banner.texts[0].key, "title");
    let minimal = Config::from_toml(
        "[[site]]\nhosts = [\"a.test\"]\nupstream = \"http://o.test\"\n",
        "m.toml",
    )
    .expect("valid");
    assert_eq!(minimal.sites[0].banner, BannerSettings::default());
}

#[test]
fn bad_banner_settings_are_located() {
    let source = r##"[[site]]
hosts = ["a.test"]
upstream = "http://o.test"
[site.banner]
languages = ["nl", "es"]
position = "top"
[site.banner.theme]
background = "white"
text = "#777"
font = "x;}body{display:none"
[site.banner.texts.nl]
titel = "Oeps"
body = ""
[site.banner.texts.es]
title = "Hola"
"##;
    let found = problems(source);
    let summary: Vec<(usize, &str)> = found.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(
        summary,
        vec![
            (5, "site[0].banner.languages[1]"),
            (6, "site[0].banner.position"),
            (8, "site[0].banner.theme.background"),
            (10, "site[0].banner.theme.font"),
            (9, "site[0].banner.theme.text"),
            (15, "site[0].banner.texts.es.title"),
            (13, "site[0].banner.texts.nl.body"),
            (12, "site[0].banner.texts.nl.titel"),
        ]
    );
    assert!(
        found[4].message.contains("contrast"),
        "{}",
        found[4].message
    );
    let unknown = problems(
        "[[site]]\nhosts = [\"a.test\"]\nupstream = \"http://o.test\"\n[site.banner]\ncolour = \"red\"\n",
    );
    assert_eq!(unknown[0].line, 5);
}

#[test]
fn analytics_and_admin_settings_are_read_and_checked() {
    let config = Config::from_toml(
        "[analytics]\nk_anonymity = 5\nquery_params = [\"utm_source\", \"ref\"]\nflush_interval = \"1s\"\n\
         [admin]\nlockout = \"1m\"\nmax_failed_logins = 3\n\
         [[site]]\nhosts = [\"example.com\"]\nupstream = \"http://127.0.0.1:3000\"\n",
        "consentry.toml",
    )
    .expect("valid");
    assert_eq!(config.analytics.k_anonymity, 5);
    assert_eq!(config.analytics.query_params, ["utm_source", "ref"]);
    assert_eq!(
        config.analytics.flush_interval,
        std::time::Duration::from_secs(1)
    );
    assert_eq!(config.admin.lockout, std::time::Duration::from_secs(60));
    assert_eq!(config.admin.max_failed_logins, 3);

    let found = problems(
        "[analytics]\nk_anonymity = 1\nquery_params = [\"a b\"]\n[admin]\nlockout = \"soon\"\n\
         [[site]]\nhosts = [\"example.com\"]\nupstream = \"http://127.0.0.1:3000\"\n",
    );
    let text: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|p| p.contains(":2:") && p.contains("analytics.k_anonymity")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|p| p.contains(":3:") && p.contains("analytics.query_params")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|p| p.contains(":5:") && p.contains("admin.lockout")),
        "{text:?}"
    );
}

#[test]
fn limits_and_oversized_pages_are_read_and_checked() {
    let config = Config::from_toml(
        "[server]\nmax_connections = 50\nbody_read_timeout = \"3s\"\noversized_pages = \"pass\"\n\n[[site]]\nhosts = [\"a.test\"]\nupstream = \"http://127.0.0.1:9000\"\nmax_upstream_requests = 8\n",
        "limits.toml",
    )
    .expect("valid");
    assert_eq!(config.server.max_connections, 50);
    assert_eq!(
        config.server.timeouts.body_read,
        std::time::Duration::from_secs(3)
    );
    assert_eq!(config.server.oversized_pages, OversizedPages::Pass);
    assert_eq!(config.sites[0].max_upstream_requests, 8);
    let defaults = Config::from_toml(
        "[[site]]\nhosts = [\"a.test\"]\nupstream = \"http://127.0.0.1:9000\"\n",
        "min.toml",
    )
    .expect("valid");
    assert_eq!(defaults.server.max_connections, DEFAULT_MAX_CONNECTIONS);
    assert_eq!(defaults.server.oversized_pages, OversizedPages::Refuse);
    assert_eq!(
        defaults.sites[0].max_upstream_requests,
        DEFAULT_MAX_UPSTREAM_REQUESTS
    );
    let found = problems(
        "[server]\nmax_connections = 0\noversized_pages = \"drop\"\n\n[[site]]\nhosts = [\"a.test\"]\nupstream = \"http://x.test\"\nmax_upstream_requests = -1\n",
    );
    let keys: Vec<&str> = found.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "server.max_connections",
            "server.oversized_pages",
            "site[0].max_upstream_requests"
        ],
        "{found:?}"
    );
    assert_eq!(found[1].line, 3);
    assert!(
        found[1].message.contains("`drop` is not"),
        "{}",
        found[1].message
    );
}

#[test]
fn regimes_come_from_consent_and_each_site_may_map_its_own() {
    let config = Config::from_toml(
        "[consent]\nregimes = \"by-region\"\n[consent.regions]\n\"BR\" = \"opt-in\"\n\
         [[site]]\nhosts = [\"a.test\"]\nupstream = \"http://127.0.0.1:9000\"\n\
         [[site]]\nhosts = [\"b.test\"]\nupstream = \"http://127.0.0.1:9001\"\nregimes = \"strict\"\n\
         [[site]]\nhosts = [\"c.test\"]\nupstream = \"http://127.0.0.1:9002\"\n[site.regions]\n\"US-CA\" = \"notice\"\n",
        "regimes.toml",
    )
    .expect("valid");
    let [a, b, c] = [0, 1, 2].map(|i| &config.sites[i].regimes);
    assert_eq!(a.regime_for(Some("BR"), None), Regime::OptIn);
    assert_eq!(a.regime_for(Some("US"), Some("CA")), Regime::OptOut);
    assert_eq!(b.regime_for(Some("US"), Some("CA")), Regime::OptIn);
    // A site's own places go over [consent]'s mapping, which it keeps otherwise.
    assert_eq!(c.regime_for(Some("US"), Some("CA")), Regime::Notice);
    assert_eq!(c.regime_for(Some("BR"), None), Regime::OptIn);
}

#[test]
fn bad_regimes_name_their_line_and_key() {
    let found = problems(
        "[consent]\nregimes = \"everywhere\"\n[consent.regions]\n\"de\" = \"opt-in\"\n\"FR\" = \"optin\"\n\
         [[site]]\nhosts = [\"a.test\"]\nupstream = \"http://127.0.0.1:9000\"\n",
    );
    let keys: Vec<(usize, &str)> = found.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(
        keys,
        [
            (2, "consent.regimes"),
            (4, "consent.regions.\"de\""),
            (5, "consent.regions.\"FR\"")
        ]
    );
    assert!(found[2].message.contains("opt-in, opt-out, notice, none"));
}

const ONE_SITE: &str = "[[site]]\nhosts = [\"a.test\"]\nupstream = \"http://127.0.0.1:9000\"\n";

#[test]
fn a_cdn_in_front_names_its_headers_and_addresses() {
    let config = Config::from_toml(
        &format!(
            "[server]\ntrusted_proxies = [\"203.0.113.0/24\", \"10.0.0.1\", \"2001:db8::/32\"]\n\
             country_header = \"CF-IPCountry\"\nregion_header = \"CF-Region-Code\"\n\n{ONE_SITE}"
        ),
        "cdn.toml",
    )
    .expect("valid");
    let headers = config.server.place_headers.expect("place headers");
    assert_eq!(headers.country, "cf-ipcountry");
    assert_eq!(headers.region.as_deref(), Some("cf-region-code"));
    for trusted in ["203.0.113.7", "10.0.0.1", "2001:db8::1", "::ffff:10.0.0.1"] {
        assert!(headers.trusts(trusted.parse().expect("ip")), "{trusted}");
    }
    for untrusted in ["203.0.114.1", "10.0.0.2", "127.0.0.1", "2001:db9::1"] {
        assert!(
            !headers.trusts(untrusted.parse().expect("ip")),
            "{untrusted}"
        );
    }
    // The region header may be left out; without any of them nothing is read from headers.
    let country_only = Config::from_toml(
        &format!("[server]\ntrusted_proxies = [\"127.0.0.1\"]\ncountry_header = \"CloudFront-Viewer-Country\"\n\n{ONE_SITE}"),
        "cdn.toml",
    )
    .expect("valid");
    let headers = country_only.server.place_headers.expect("place headers");
    assert_eq!(headers.country, "cloudfront-viewer-country");
    assert_eq!(headers.region, None);
    let plain = Config::from_toml(ONE_SITE, "plain.toml").expect("valid");
    assert_eq!(plain.server.place_headers, None);
}

#[test]
fn a_place_header_is_refused_without_the_proxies_it_is_believed_from() {
    let found = problems(&format!(
        "[server]\ncountry_header = \"CF-IPCountry\"\n\n{ONE_SITE}"
    ));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].line, found[0].key.as_str()),
        (2, "server.country_header")
    );
    assert!(
        found[0].message.contains("trusted_proxies is missing"),
        "{}",
        found[0].message
    );
    // Proxies without a header to read, or a region without its country, are refused too.
    let found = problems(&format!(
        "[server]\ntrusted_proxies = [\"10.0.0.1\"]\nregion_header = \"CF-Region-Code\"\n\n{ONE_SITE}"
    ));
    let keys: Vec<(usize, &str)> = found.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(keys, [(2, "server.trusted_proxies")], "{found:?}");
    assert!(found[0].message.contains("country_header is missing"));
    let found = problems(&format!(
        "[server]\nregion_header = \"CF-Region-Code\"\n\n{ONE_SITE}"
    ));
    let keys: Vec<(usize, &str)> = found.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(keys, [(2, "server.region_header")], "{found:?}");
}

#[test]
fn bad_proxies_and_header_names_name_their_line_and_key() {
    let found = problems(&format!(
        "[server]\ntrusted_proxies = [\"10.0.0.1\", \"10.0.0.0/33\", \"proxy.example\"]\n\
         country_header = \"CF IPCountry\"\nregion_header = \"\"\n\n{ONE_SITE}"
    ));
    let keys: Vec<(usize, &str)> = found.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(
        keys,
        [
            (2, "server.trusted_proxies[1]"),
            (2, "server.trusted_proxies[2]"),
            (3, "server.country_header"),
            (4, "server.region_header"),
        ],
        "{found:?}"
    );
    assert!(found[1]
        .message
        .contains("`proxy.example` is not an address"));
    assert!(found[2]
        .message
        .contains("`CF IPCountry` is not a header name"));
    let found = problems(&format!(
        "[server]\ntrusted_proxies = []\ncountry_header = \"CF-IPCountry\"\n\n{ONE_SITE}"
    ));
    let keys: Vec<&str> = found.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["server.trusted_proxies"], "{found:?}");
    assert!(found[0].message.contains("at least one"));
}

#[test]
fn tcf_is_set_per_site_with_its_vendors_and_their_addresses() {
    let config = Config::from_toml(
        "[tcf]\ncmp_id = 300\npublisher_cc = \"NL\"\nvendor_list = \"gvl/vendor-list.json\"\n\
         [[site]]\nhosts = [\"a.test\"]\nupstream = \"http://127.0.0.1:9000\"\n\
         [site.tcf]\nvendors = [793, 755, 755]\n[site.tcf.hosts]\n755 = [\"securepubads.g.doubleclick.net\"]\n\
         [[site]]\nhosts = [\"b.test\"]\nupstream = \"http://127.0.0.1:9001\"\n",
        "tcf.toml",
    )
    .expect("valid");
    assert_eq!(config.tcf.cmp_id, 300);
    assert_eq!(config.tcf.publisher_cc, "NL");
    let tcf = config.sites[0].tcf.as_ref().expect("tcf on");
    assert_eq!(tcf.vendors, [755, 793]);
    assert_eq!(tcf.hosts[&755], ["securepubads.g.doubleclick.net"]);
    assert!(config.sites[1].tcf.is_none(), "off unless the site asks");
}

#[test]
fn bad_tcf_settings_name_their_line_and_key() {
    let found = problems(
        "[tcf]\ncmp_id = 5000\npublisher_cc = \"nl\"\n\
         [[site]]\nhosts = [\"a.test\"]\nupstream = \"http://127.0.0.1:9000\"\n\
         [site.tcf]\nvendors = [0, 755]\n[site.tcf.hosts]\n12 = [\"x.test\"]\n",
    );
    let keys: Vec<(usize, &str)> = found.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(
        keys,
        [
            (2, "tcf.cmp_id"),
            (3, "tcf.publisher_cc"),
            (8, "site[0].tcf.vendors[0]"),
            (10, "site[0].tcf.hosts.12"),
        ]
    );
}
