//! The commented starter configuration that `consentry init` writes.

/// A complete, commented configuration for one site, valid as it stands.
pub const STARTER_CONFIG: &str = r##"# Consentry configuration.
# Check it with: consentry check --config consentry.toml
# Run it with:   consentry run --config consentry.toml

[server]
# Where visitors connect.
listen = "0.0.0.0:8080"
# The embedded store (SQLite) and the generated signing key live here.
data_dir = "consentry-data"
# Serve HTTPS (and HTTP/2) by giving a PEM certificate chain and key.
# tls_cert = "/etc/consentry/cert.pem"
# tls_key = "/etc/consentry/key.pem"
# How long to wait for a visitor's request headers, for a connection to the origin,
# for the origin's response, and how long to keep idle origin connections.
header_read_timeout = "10s"
connect_timeout = "5s"
upstream_timeout = "60s"
upstream_idle_timeout = "90s"
# A MaxMind database (GeoLite2 or GeoIP2, Country or City) says where visitors are: for
# consent records, and for [consent] regimes by region (a City database gives the state or
# province too). Without one the place is unknown, and the strictest regime applies.
# geoip_database = "/var/lib/GeoIP/GeoLite2-City.mmdb"
# Behind a CDN, the CDN says where the visitor is: name its headers and its addresses. The
# headers are believed only on connections from those addresses (anyone else could send
# them); a request from them without the country header counts as from an unknown place.
# trusted_proxies = ["203.0.113.0/24", "10.0.0.1"]
# country_header = "CF-IPCountry"        # CloudFront: "CloudFront-Viewer-Country"
# region_header = "CF-Region-Code"       # CloudFront: "CloudFront-Viewer-Country-Region"
# Threads serving requests; one per core when left out.
# worker_threads = 2
# How long a visitor may take over a request body: the whole body of Consentry's own
# endpoints, and each piece of an upload passed to the origin.
body_read_timeout = "30s"
# Open visitor connections at most; past it a new connection is answered 503.
max_connections = 10000
# A page that decodes to more than 256 MiB, or expands more than 250-fold past 4 MiB (a
# decompression bomb), cannot be rewritten: "refuse" answers 502, "pass" sends it on as the
# origin sent it, trackers and all.
oversized_pages = "refuse"

[consent]
# Raise this when your cookie policy changes: every visitor is asked again.
policy_version = 1
# How long a visitor's choice is kept before they are asked again.
lifetime = "365days"
# The key that signs consent cookies (at least 32 characters). Leave it out to have one
# generated and kept in the data directory. Several gateways for one site share one key.
# secret = "change-me-to-a-long-random-string-of-32-or-more"
# Cookies that neither your rules below nor the built-in catalogue know:
# "auto" guesses from the cookie itself (name, lifetime, value): a cart or a session cookie
# passes as necessary, a visitor id waits for consent; when unsure, a server-set HttpOnly or
# session cookie passes and anything else waits for marketing consent. Each is reported.
# "traits" decides by those flags alone; or name a category for all of them.
unknown_cookies = "auto"
# What consent records keep of the visitor's IP address: "truncate" (IPv4 /24, IPv6 /48)
# or "omit".
record_ip = "truncate"
# Consent records older than this are pruned (the log stays verifiable from a signed
# checkpoint); "forever" keeps them.
retention = "3years"
# Which consent model applies where the visitor is: "strict" asks everyone first (opt-in
# everywhere); "by-region" asks first in the EU/EEA, the UK, Switzerland and Quebec, lets
# visitors in US states with a privacy law opt out (Global Privacy Control counts as an
# opt-out), and shows a notice elsewhere. Visitors from an unknown place get the strictest.
# A site may set its own with `regimes` and [site.regions].
regimes = "strict"
# Finer mapping over the preset: a country, a subdivision, or "*" for everywhere else, to
# "opt-in", "opt-out", "notice" or "none".
# [consent.regions]
# "BR" = "opt-in"
# "US-WA" = "opt-out"

[analytics]
# Page views counted without cookies or identifiers, beside the consent rates; richer
# figures (visits, returning visitors) only for visitors who granted analytics.
enabled = true
# No report shows a row for fewer distinct visitors than this; such rows fold into "other".
k_anonymity = 10
# Query parameters kept on counted paths; every other one is dropped.
query_params = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"]
# Counts are written to the store this often (and when the gateway stops).
flush_interval = "5s"
# A consenting visitor's visit ends after this long without a page view.
visit_timeout = "30m"

[admin]
# The dashboard at /__consentry/admin. Add an account with:
#   consentry admin add --user NAME --config consentry.toml
# After this many failed logins in a row an account is locked for `lockout`.
max_failed_logins = 5
lockout = "15m"
session_lifetime = "12h"

[storage]
# "sqlite" keeps everything in the data directory. Several gateways share one PostgreSQL:
# url = "postgres://consentry:secret@127.0.0.1:5432/consentry"
url = "sqlite"

[[site]]
name = "example"
# The Host names this site answers to; "*.example.com" matches every subdomain.
hosts = ["example.com", "www.example.com"]
# Where the site really runs.
upstream = "http://127.0.0.1:8000"
# For an https origin with a private CA:
# upstream_ca = "/etc/consentry/origin-ca.pem"
# Requests in flight to the origin at most (answer and body); past it visitors get 503.
max_upstream_requests = 1024
# Linked from the banner.
privacy_url = "/privacy"
# The banner's language when the visitor's browser asks for none we have (nl, en, de, fr).
language = "en"
# Addresses the catalogue names as trackers that this site lets through (a wrong match):
# a host and its subdomains, host/path-prefix, or /path-prefix on any host.
# allow_trackers = ["maps.googleapis.com"]

# Your own cookies, by exact name or with * as a wildcard. These win over the catalogue.
[site.cookies]
necessary = ["my_session", "cart_*"]
preferences = ["theme"]
analytics = []
marketing = []

# The banner. Leave it out for the built-in look and texts.
[site.banner]
# The languages offered, picked from the visitor's browser (nl, en, de, fr); all by default.
# languages = ["nl", "en"]
# Where it sits: "bottom", "center" or "corner". It never locks the page.
position = "bottom"

# Colours (hex) and font; left out, they follow the visitor's light or dark scheme.
# Colours that are hard to read together (contrast under 4.5:1) are refused.
[site.banner.theme]
# background = "#ffffff"
# text = "#1d1d1f"
# accent = "#1f4e8c"
# accent_text = "#ffffff"
# font = "Georgia, serif"

# Any text, per language (plain text; it is escaped). The keys: title, body, accept_all,
# reject_all, settings, save, manage, privacy, choose, always_on, cookies, this_site, saved,
# embed_blocked, necessary, preferences, analytics, marketing and <category>_purpose.
[site.banner.texts.en]
# title = "Cookies at Example"
"##;
