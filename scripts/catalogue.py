#!/usr/bin/env python3
"""Rebuilds Consentry's catalogue from pinned open data and the project's own overrides.

Reads the Open Cookie Database (cookie names, Apache-2.0) and the WhoTracks.me tracker
database (tracker hosts, CC BY 4.0), pinned by commit and SHA-256 in
config/catalogue/upstream.toml; merges the curated entries of config/catalogue/cookies.toml
and trackers.toml on top (they win: they are where the project knows better); writes what the
engine loads: config/catalogue/built/cookies.tsv and hosts.tsv.

    scripts/catalogue.py                      # fetch both files by their pinned URLs
    scripts/catalogue.py --ocd FILE --whotracksme FILE   # or read local copies
    scripts/catalogue.py --check ...          # rebuild in memory, fail if built/ differs

Only the standard library is used.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import sqlite3
import sys
import tomllib
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "config" / "catalogue"
BUILT = CATALOGUE / "built"

CATEGORIES = ("necessary", "preferences", "analytics", "marketing")
RANK = {c: i for i, c in enumerate(CATEGORIES)}

# Open Cookie Database categories → Consentry's.
OCD_CATEGORY = {
    "functional": "necessary",
    "necessary": "necessary",
    "security": "necessary",
    "personalization": "preferences",
    "analytics": "analytics",
    "marketing": "marketing",
}

# WhoTracks.me tracker categories → (Consentry category, kind). Categories absent here
# (essential, cdn, hosting, consent, misc, utilities, extensions, unknown) are never blocked
# by host alone: they carry the site's fonts, libraries, payments and consent platforms.
WTM_CATEGORY = {
    "advertising": ("marketing", "tracker"),
    "pornvertising": ("marketing", "tracker"),
    "social_media": ("marketing", "tracker"),
    "site_analytics": ("analytics", "tracker"),
    # Embeds: click-to-load with the vendor's name. Players follow the visitor across sites
    # (marketing); chat, comments, forms and review widgets remember the visitor
    # (preferences). Payments and the like that are wrongly in here are made necessary by
    # the overrides in trackers.toml.
    "audio_video_player": ("marketing", "embed"),
    "comments": ("preferences", "embed"),
    "customer_interaction": ("preferences", "embed"),
}

# OCD wildcard rows are prefixes. One or two characters would match half of all names.
MIN_PREFIX = 3

UNITS = {
    "second": None,
    "minute": "minute",
    "hour": "hour",
    "day": "day",
    "week": "week",
    "month": "month",
    "year": "year",
}


def fail(message: str) -> None:
    print(f"scripts/catalogue.py: {message}", file=sys.stderr)
    sys.exit(1)


def read_pinned(pin: dict, override: str | None) -> bytes:
    """The upstream file, from a local path or URL (default: the pinned URL), checked."""
    source = override or pin["url"]
    if re.match(r"^https?://", source):
        with urllib.request.urlopen(source, timeout=60) as response:  # noqa: S310 (pinned)
            data = response.read()
    else:
        data = Path(source).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != pin["sha256"]:
        fail(
            f"{source}: SHA-256 {digest}, but upstream.toml pins {pin['sha256']} "
            f"({pin['repository']} {pin['path']} at {pin['commit']})"
        )
    return data


def clean(text: str) -> str:
    """One line of text for a TSV cell."""
    return " ".join((text or "").replace("\t", " ").split())


def lifetime(retention: str) -> str:
    """An OCD retention period as the catalogue's `session`, `<n> <unit>s` or `unknown`."""
    text = clean(retention).lower()
    if not text or "session" in text or text in ("browser close", "end of browser session"):
        return "session" if text else "unknown"
    match = re.match(r"^(\d+)\s*([a-z]+?)s?\b", text)
    if not match:
        return "unknown"
    count, unit = int(match.group(1)), match.group(2)
    if unit == "sec" or unit == "second":
        return f"{max(1, count // 60)} minute" + ("s" if count // 60 > 1 else "")
    if unit in ("min",):
        unit = "minute"
    if unit in ("hr",):
        unit = "hour"
    if unit == "week":
        count, unit = count * 7, "day"
    if unit not in ("minute", "hour", "day", "month", "year"):
        return "unknown"
    return f"{count} {unit}" + ("s" if count != 1 else "")


@dataclass
class Cookie:
    name: str
    match: str  # exact | glob
    category: str
    vendor: str
    purpose: str
    lifetime: str
    source: str


@dataclass
class Host:
    host: str
    category: str
    kind: str
    vendor: str
    source: str


def ocd_cookies(data: bytes) -> dict[str, Cookie]:
    rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    cookies: dict[str, Cookie] = {}
    for row in rows:
        name = clean(row.get("Cookie / Data Key name", ""))
        category = OCD_CATEGORY.get(clean(row.get("Category", "")).lower())
        if not name or category is None or " " in name:
            continue
        wildcard = clean(row.get("Wildcard match", "")) == "1"
        if "*" in name:
            match = "glob"
        elif wildcard and len(name) >= MIN_PREFIX:
            name, match = name + "*", "glob"
        else:
            match = "exact"
        cookie = Cookie(
            name=name,
            match=match,
            category=category,
            vendor=clean(row.get("Platform", "")) or "Unknown",
            purpose=clean(row.get("Description", "")),
            lifetime=lifetime(row.get("Retention period", "")),
            source="ocd",
        )
        known = cookies.get(name)
        # One name, two categories in the data: the more intrusive one, so a tracker is never
        # let through; the overrides settle the names where that is wrong.
        if known is None or RANK[category] > RANK[known.category]:
            cookies[name] = cookie
    return cookies


def whotracksme_hosts(data: bytes) -> dict[str, Host]:
    db = sqlite3.connect(":memory:")
    # The dump writes strings with escapes as unistr('...'): the text is already what we want.
    db.create_function("unistr", 1, lambda s: s)
    db.executescript(data.decode("utf-8"))
    query = """
        SELECT d.domain, c.name, t.name
        FROM tracker_domains d
        JOIN trackers t ON t.id = d.tracker
        LEFT JOIN categories c ON c.id = t.category_id
        ORDER BY d.domain
    """
    hosts: dict[str, Host] = {}
    for domain, category, vendor in db.execute(query):
        mapped = WTM_CATEGORY.get(category or "")
        domain = (domain or "").strip().lower().rstrip(".")
        if mapped is None or not domain or "/" in domain or "*" in domain:
            continue
        hosts[domain] = Host(domain, mapped[0], mapped[1], clean(vendor), "whotracksme")
    return hosts


def curated() -> tuple[dict[str, Cookie], dict[str, Host]]:
    cookies_file = tomllib.loads((CATALOGUE / "cookies.toml").read_text())
    trackers_file = tomllib.loads((CATALOGUE / "trackers.toml").read_text())
    cookies = {}
    for row in cookies_file.get("cookie", []):
        name = row["name"]
        cookies[name] = Cookie(
            name=name,
            match="glob" if "*" in name else "exact",
            category=row["category"],
            vendor=clean(row["vendor"]),
            purpose=clean(row["purpose"]),
            lifetime=row["lifetime"],
            source="curated",
        )
    hosts = {}
    for row in trackers_file.get("tracker", []):
        host = row["host"].lower()
        hosts[host] = Host(
            host, row["category"], row.get("kind", "tracker"), clean(row["vendor"]), "curated"
        )
    return cookies, hosts


def cookies_tsv(cookies: dict[str, Cookie]) -> str:
    out = io.StringIO()
    out.write("# Generated by scripts/catalogue.py from the Open Cookie Database and cookies.toml.\n")
    out.write("# name\tmatch\tcategory\tvendor\tpurpose\tlifetime\tsource\n")
    # Curated entries first, in their file's order (the banner lists a vendor's cookies in
    # this order: `_ga` before `_gac_*`), then the open data by name.
    curated_first = [c for c in cookies.values() if c.source == "curated"]
    by_name = sorted((c for c in cookies.values() if c.source != "curated"), key=lambda c: c.name)
    for c in curated_first + by_name:
        out.write("\t".join([c.name, c.match, c.category, c.vendor, c.purpose, c.lifetime, c.source]))
        out.write("\n")
    return out.getvalue()


def hosts_tsv(hosts: dict[str, Host]) -> str:
    out = io.StringIO()
    out.write("# Generated by scripts/catalogue.py from WhoTracks.me and trackers.toml.\n")
    out.write("# host\tcategory\tkind\tvendor\tsource\n")
    for h in sorted(hosts.values(), key=lambda h: h.host):
        out.write("\t".join([h.host, h.category, h.kind, h.vendor, h.source]))
        out.write("\n")
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ocd", help="the Open Cookie Database CSV: a path or URL")
    parser.add_argument("--whotracksme", help="WhoTracks.me's trackerdb.sql: a path or URL")
    parser.add_argument("--check", action="store_true", help="fail if built/ is not up to date")
    args = parser.parse_args()

    pins = tomllib.loads((CATALOGUE / "upstream.toml").read_text())
    cookies = ocd_cookies(read_pinned(pins["open_cookie_database"], args.ocd))
    hosts = whotracksme_hosts(read_pinned(pins["whotracksme"], args.whotracksme))
    upstream_counts = (len(cookies), len(hosts))

    own_cookies, own_hosts = curated()
    for name in own_cookies:
        cookies.pop(name, None)
    # Curated entries first, in their file's order (dicts keep insertion order).
    cookies = {**own_cookies, **cookies}
    for host, entry in own_hosts.items():
        hosts[host] = entry
    for c in cookies.values():
        if c.category not in RANK:
            fail(f"cookie {c.name}: unknown category {c.category}")

    outputs = {BUILT / "cookies.tsv": cookies_tsv(cookies), BUILT / "hosts.tsv": hosts_tsv(hosts)}
    if args.check:
        stale = [p for p, text in outputs.items() if not p.exists() or p.read_text() != text]
        if stale:
            fail("out of date: " + ", ".join(str(p.relative_to(ROOT)) for p in stale))
        print("config/catalogue/built is up to date")
        return
    BUILT.mkdir(parents=True, exist_ok=True)
    for path, text in outputs.items():
        path.write_text(text)
    print(
        f"cookies: {len(cookies)} ({upstream_counts[0]} from the Open Cookie Database, "
        f"{len(own_cookies)} curated); hosts: {len(hosts)} ({upstream_counts[1]} from "
        f"WhoTracks.me, {len(own_hosts)} curated)"
    )


if __name__ == "__main__":
    main()
