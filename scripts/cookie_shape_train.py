#!/usr/bin/env python3
"""Fits the weights of the unknown-cookie classifier (gateway/engine/src/cookie_shape/) from the
Open Cookie Database, and measures it on names held out from the fit.

    git --git-dir=<mirror> show 0ee5a17fe1cb002943f89370d24fc26a4226061c:open-cookie-database.csv > ocd.csv
    python3 scripts/cookie_shape_train.py ocd.csv            # report only
    python3 scripts/cookie_shape_train.py ocd.csv --write    # also rewrite weights.rs

Standard library only, deterministic (fixed seeds, fixed split). The features mirror
`gateway/engine/src/cookie_shape/features.rs` byte for byte; `cargo run -p consentry-engine
--example cookie_shape_eval -- ocd.csv` measures the Rust code itself on the same held-out names.

The split: a name is held out when FNV-1a-64 of its lowercased bytes is 0, 1 or 2 modulo 10
(about 30% of the names). Nothing about held-out names is used for the fit nor for choosing the
thresholds; those come from a 5-fold cross-validation inside the build names.

Open Cookie Database rows carry no values nor flags. For the measurement, each row becomes the
Set-Cookie an origin would send from its retention period ("session" gives no Max-Age); a
prefix row (Wildcard match = 1) gets a deterministic 10-character id appended, as such cookies
carry one. Three scenarios are measured: lifetimes as declared and readable by scripts; every
cookie HttpOnly for the session (a tracker dressed as a session cookie); every cookie readable
for a year (a functional cookie kept long).
"""

import csv
import json
import math
import os
import random
import re
import sys

# Open Cookie Database categories -> the classifier's classes.
FUNCTIONAL, ANALYTICS, MARKETING = 0, 1, 2
CLASSES = {
    "Functional": FUNCTIONAL,
    "Necessary": FUNCTIONAL,
    "Security": FUNCTIONAL,
    # Three rows: kept with the functional class (a preference cookie stripped breaks the site).
    "Personalization": FUNCTIONAL,
    "Analytics": ANALYTICS,
    "Marketing": MARKETING,
}
CLASS_NAMES = ["functional", "analytics", "marketing"]

MAX_NAME = 64  # bytes of a name that are looked at
L2 = 0.1
EPOCHS = 20
RATE = 0.3
PRUNE = 0.005  # weights smaller than this (in every class) are dropped
DECIMALS = 3
LEXICON_WEIGHT = 2.5  # the size of a lexicon nudge, chosen by cross-validation (--thresholds)

# The policy's thresholds on P(functional): at or above HIGH a cookie is functional whatever its
# flags, at or below LOW it is a tracker whatever its flags, between them the old rule decides
# (HttpOnly or session: necessary; otherwise the fallback). Chosen from the cross-validation
# table this script prints (build names only); keep equal to `cookie_shape/policy.rs`.
LOW, HIGH = 0.5, 0.6


def fnv64(data):
    h = 0xCBF29CE484222325
    for x in data:
        h ^= x
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def fnv32(data):
    h = 0x811C9DC5
    for x in data:
        h ^= x
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def is_upper(c):
    return 65 <= c <= 90


def is_lower(c):
    return 97 <= c <= 122


def is_digit(c):
    return 48 <= c <= 57


def is_alnum(c):
    return is_upper(c) or is_lower(c) or is_digit(c)


def norm(c):
    if is_upper(c):
        return c + 32
    if is_lower(c):
        return c
    if is_digit(c):
        return 48
    return 95


def name_features(name):
    """The features of a name, as byte strings (hashed with FNV-1a-32 into the table's keys)."""
    b = name.encode("utf-8")[:MAX_NAME]
    out = []
    s = bytes([94] + [norm(c) for c in b] + [36])  # ^name$
    for i in range(len(s) - 2):
        out.append(b"g" + s[i : i + 3])
    words = []
    cur = bytearray()
    prev = None
    for c in b:
        if not is_alnum(c):
            if cur:
                words.append(bytes(cur))
                cur = bytearray()
            prev = None
            continue
        if cur and prev is not None:
            if (is_lower(prev) and is_upper(c)) or (is_digit(prev) != is_digit(c)):
                words.append(bytes(cur))
                cur = bytearray()
        cur.append(c + 32 if is_upper(c) else c)
        prev = c
    if cur:
        words.append(bytes(cur))
    for i, w in enumerate(words):
        if is_digit(w[0]):
            out.append(b"#num")
        elif len(w) <= 24:
            out.append(b"w" + w)
            if i == 0:
                out.append(b"f" + w)
    lead = 0
    for c in b:
        if c != 95:
            break
        lead += 1
    out.append(b"#lead%d" % min(lead, 2))
    n = len(b)
    out.append(b"#len" + (b"3" if n <= 3 else b"6" if n <= 6 else b"12" if n <= 12 else b"20" if n <= 20 else b"xx"))
    letters = [c for c in b if is_upper(c) or is_lower(c)]
    if letters and all(is_upper(c) for c in letters):
        out.append(b"#caps")
    if any(is_digit(c) for c in b):
        out.append(b"#digit")
    out.append(b"#words%d" % min(len(words), 4))
    return out


# Fragments of a name that say what a cookie is for, from how frameworks, shops and tags name
# their cookies rather than from the data: they reach names the data never saw (a `basket`, a
# `gclid`). Matched anywhere in the name, ignoring case; each adds its nudge once to the scores
# of functional, analytics and marketing. Keep equal to `cookie_shape/lexicon.rs`.
F, A, M, T = (1.0, 0, 0), (0, 1.0, 0), (0, 0, 1.0), (-1.0, 0, 0)
LEXICON = [
    (b"sess", F), (b"csrf", F), (b"xsrf", F), (b"auth", F), (b"login", F), (b"logged", F), (b"cart", F),
    (b"basket", F), (b"checkout", F), (b"wishlist", F), (b"lang", F), (b"locale", F),
    (b"currency", F), (b"consent", F), (b"captcha", F), (b"remember", F), (b"sticky", F),
    (b"affinity", F), (b"balanc", F), (b"timezone", F), (b"theme", F), (b"pref", F),
    (b"dismiss", F), (b"__host-", F),
    (b"utm", A), (b"_pk_", A), (b"ajs_", A), (b"mp_", A), (b"amplitude", A), (b"_hj", A),
    (b"_ga", A), (b"visitor", A),
    (b"_gcl", M), (b"gclid", M), (b"fbclid", M), (b"_fb", M), (b"pixel", M), (b"retarget", M),
    (b"audience", M), (b"attribution", M), (b"fingerprint", M), (b"sync", M), (b"campaign", M),
    (b"uid", T), (b"track", T),
]


def lexicon_nudge(name):
    lower = name.encode("utf-8")[:MAX_NAME].lower()
    nudge = [0.0, 0.0, 0.0]
    for fragment, direction in LEXICON:
        if fragment in lower:
            for k in range(3):
                nudge[k] += LEXICON_WEIGHT * direction[k]
    return nudge


def lifetime_feature(seconds):
    if seconds is None:
        return b"#lsession"
    if seconds <= 3600:
        return b"#l1h"
    if seconds <= 86400:
        return b"#l1d"
    if seconds <= 31 * 86400:
        return b"#l31d"
    if seconds <= 400 * 86400:
        return b"#l400d"
    return b"#llong"


def features(name, seconds):
    return [fnv32(f) for f in name_features(name) + [lifetime_feature(seconds), b"#bias"]]


UNITS = {"second": 1, "sec": 1, "minute": 60, "min": 60, "hour": 3600, "day": 86400,
         "week": 7 * 86400, "month": 30 * 86400, "year": 365 * 86400}
YEAR = 365 * 86400


def retention_seconds(text):
    """Seconds from a retention period (None: a session cookie). Unreadable ones count as a year."""
    t = text.strip().lower()
    if "session" in t:
        return None, True
    if any(k in t for k in ("forever", "unlimited", "persistent", "no expir", "never")):
        return 10 * YEAR, True
    m = re.search(r"(\d+(?:\.\d+)?)\s*(second|sec|minute|min|hour|day|week|month|year)", t)
    if m:
        return int(float(m.group(1)) * UNITS[m.group(2)]), True
    return YEAR, False


ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def read_rows(path):
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            name = r["Cookie / Data Key name"].strip()
            category = r["Category"].strip()
            if not name or category not in CLASSES:
                continue
            full = name
            if r["Wildcard match"].strip() == "1":
                h = fnv64(name.encode("utf-8"))
                suffix = ""
                for _ in range(10):
                    suffix += ID_ALPHABET[h % 62]
                    h //= 62
                full = name + suffix
            seconds, readable = retention_seconds(r["Retention period"])
            rows.append({"name": name, "full": full, "label": CLASSES[category], "category": category,
                         "platform": r["Platform"].strip(), "seconds": seconds, "readable": readable})
    return rows


def held_out(name):
    return fnv64(name.lower().encode("utf-8")) % 10 < 3


def fold(name, k):
    return fnv64(name.lower().encode("utf-8")[::-1]) % k


def train(samples):
    """Multinomial logistic regression, Adagrad, L2; samples are (feature keys, class)."""
    weights, squares = {}, {}
    order = list(range(len(samples)))
    rng = random.Random(7)
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for i in order:
            keys, y = samples[i]
            p = probabilities(weights, keys)
            grad = [p[k] - (1.0 if k == y else 0.0) for k in range(3)]
            for key in keys:
                w = weights.setdefault(key, [0.0, 0.0, 0.0])
                g2 = squares.setdefault(key, [1e-8, 1e-8, 1e-8])
                for k in range(3):
                    g = grad[k] + L2 * w[k]
                    g2[k] += g * g
                    w[k] -= RATE * g / math.sqrt(g2[k])
    return weights


def shipped(weights):
    """The weights as the Rust table holds them: pruned and rounded."""
    out = {}
    for key, w in weights.items():
        if max(abs(v) for v in w) >= PRUNE:
            out[key] = [round(v, DECIMALS) for v in w]
    return out


def probabilities(weights, keys, nudge=(0.0, 0.0, 0.0)):
    z = list(nudge)
    for key in keys:
        w = weights.get(key)
        if w:
            z[0] += w[0]
            z[1] += w[1]
            z[2] += w[2]
    m = max(z)
    e = [math.exp(v - m) for v in z]
    s = sum(e)
    return [v / s for v in e]


SCENARIOS = [
    # (label, lifetime override or "declared", http_only)
    ("declared lifetime, readable", "declared", False),
    ("HttpOnly session", None, True),
    ("readable, 1 year", YEAR, False),
]


def decide(p_functional, http_only, session, low, high):
    """True when the cookie is kept before consent."""
    if p_functional >= high:
        return True
    if p_functional <= low:
        return False
    return http_only or session


def scenario_scores(weights, rows):
    """For each row and scenario: (row, P(class) list, session, http_only)."""
    out = []
    for x in rows:
        per = []
        for _, life, http_only in SCENARIOS:
            seconds = x["seconds"] if life == "declared" else life
            p = probabilities(weights, features(x["full"], seconds), lexicon_nudge(x["full"]))
            per.append((p, seconds is None, http_only))
        out.append((x, per))
    return out


def rates(scored, low, high):
    """Per scenario: (functional stripped, tracking passed)."""
    res = []
    for i in range(len(SCENARIOS)):
        f_total = f_stripped = t_total = t_passed = 0
        for x, per in scored:
            p, session, http_only = per[i]
            kept = decide(p[0], http_only, session, low, high)
            if x["label"] == FUNCTIONAL:
                f_total += 1
                f_stripped += not kept
            else:
                t_total += 1
                t_passed += kept
        res.append((f_stripped / max(f_total, 1), t_passed / max(t_total, 1)))
    return res


def accuracy(scored):
    """3-class accuracy (declared lifetimes) overall and per class, with counts."""
    hits = [0, 0, 0]
    totals = [0, 0, 0]
    for x, per in scored:
        p = per[0][0]
        y = x["label"]
        totals[y] += 1
        hits[y] += max(range(3), key=lambda k: p[k]) == y
    return sum(hits) / max(sum(totals), 1), [(hits[k], totals[k]) for k in range(3)]


def cross_validate(rows, key, k=5):
    scored = []
    for i in range(k):
        fit = [x for x in rows if key(x) % k != i]
        test = [x for x in rows if key(x) % k == i]
        w = shipped(train([(features(x["full"], x["seconds"]), x["label"]) for x in fit]))
        scored += scenario_scores(w, test)
    return scored


def print_rates(title, scored, low, high):
    print(title)
    for (label, _, _), (f, t) in zip(SCENARIOS, rates(scored, low, high)):
        print(f"  {label:<30} functional stripped {100 * f:5.1f}%   tracking passed {100 * t:5.1f}%")


# Names whose scores the engine must reproduce (written into the table, checked by a test).
PROBES = [
    ("PHPSESSID", None), ("_ga_X7K2P9QZ1L", YEAR), ("cart_token", 14 * 86400), ("__Host-next-auth.csrf", None),
    ("_pk_id.1.1fff", 13 * 30 * 86400), ("AWSALBCORS", 7 * 86400), ("sessionid", None), ("éè-ß", 60),
    ("", None), ("x" * 80, 10 * YEAR), ("utm_campaign_ref", 1800), ("MyShop_Basket", 30 * 86400),
]


def write_table(weights, path):
    keys = sorted(weights)
    lines = [
        "//! Generated by `scripts/cookie_shape_train.py` from the Open Cookie Database (Apache-2.0,",
        "//! commit 0ee5a17fe1cb002943f89370d24fc26a4226061c), build names only. Do not edit by hand.",
        "",
        "/// Each feature's FNV-1a-32 key, sorted for binary search.",
        f"pub(super) static KEYS: [u32; {len(keys)}] = [",
    ]
    for i in range(0, len(keys), 8):
        lines.append("    " + ", ".join(f"0x{k:08x}" for k in keys[i : i + 8]) + ",")
    lines += [
        "];",
        "",
        "/// The weights of `KEYS[i]` towards functional, analytics and marketing, in thousandths.",
        f"pub(super) static WEIGHTS: [[i16; 3]; {len(keys)}] = [",
    ]
    for i in range(0, len(keys), 6):
        lines.append("    " + " ".join(
            "[" + ", ".join(str(int(round(v * 1000))) for v in weights[k]) + "]," for k in keys[i : i + 6]))
    lines.append("];")
    lines += [
        "",
        "/// Names, lifetimes (seconds; `None`: session) and the probability that they are functional",
        "/// as the training script computes it: a test checks that the engine agrees.",
        "#[cfg(test)]",
        f"pub(super) static CHECKS: [(&str, Option<u64>, f32); {len(PROBES)}] = [",
    ]
    for name, seconds in PROBES:
        p = probabilities(weights, features(name, seconds), lexicon_nudge(name))[0]
        life = "None" if seconds is None else f"Some({seconds})"
        lines.append(f"    ({json.dumps(name, ensure_ascii=False)}, {life}, {p:.4f}),")
    lines.append("];")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    rows = read_rows(args[0])
    build = [x for x in rows if not held_out(x["name"])]
    test = [x for x in rows if held_out(x["name"])]
    unread = sum(not x["readable"] for x in rows)
    print(f"{len(rows)} rows: {len(build)} build, {len(test)} held out; {unread} retention periods unreadable (taken as 1 year)")

    if "--thresholds" in sys.argv:
        scored = cross_validate(build, lambda x: fold(x["name"], 5))
        print("5-fold cross-validation on build names, scenario by scenario (functional stripped / tracking passed):")
        print("  old rule: " + "  ".join(f"{100 * f:4.1f}/{100 * t:4.1f}" for f, t in rates(scored, -1.0, 2.0)))
        grid = [(t, t) for t in (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)]
        grid += [(low, high) for low in (0.3, 0.4, 0.5) for high in (0.6, 0.7, 0.8) if high > low]
        for low, high in grid:
            r = rates(scored, low, high)
            mean = sum(f + t for f, t in r) / len(r)
            print(f"  {low:.2f} {high:.2f}:  " + "  ".join(f"{100 * f:4.1f}/{100 * t:4.1f}" for f, t in r)
                  + f"   mean of both {100 * mean:5.1f}")

    weights = shipped(train([(features(x["full"], x["seconds"]), x["label"]) for x in build]))
    print(f"{len(weights)} weighted features")
    scored = scenario_scores(weights, test)
    acc, per = accuracy(scored)
    print(f"held-out accuracy {100 * acc:.1f}% (" + ", ".join(
        f"{CLASS_NAMES[k]} {h}/{n} = {100 * h / max(n, 1):.1f}%" for k, (h, n) in enumerate(per)) + ")")
    print_rates(f"held-out names, policy low={LOW} high={HIGH}:", scored, LOW, HIGH)
    print_rates("held-out names, old rule (HttpOnly or session: necessary):", scored, -1.0, 2.0)

    if "--platform-split" in sys.argv:
        scored = cross_validate(rows, lambda x: fnv64(x["platform"].lower().encode("utf-8")), 5)
        acc, per = accuracy(scored)
        print(f"vendor held out (5 folds by platform): accuracy {100 * acc:.1f}% (" + ", ".join(
            f"{CLASS_NAMES[k]} {100 * h / max(n, 1):.1f}%" for k, (h, n) in enumerate(per)) + ")")
        print_rates("vendor held out, policy:", scored, LOW, HIGH)

    if "--write" in sys.argv:
        here = os.path.dirname(os.path.abspath(__file__))
        path = os.path.join(here, "..", "gateway", "engine", "src", "cookie_shape", "weights.rs")
        write_table(weights, path)
        print(f"wrote {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
