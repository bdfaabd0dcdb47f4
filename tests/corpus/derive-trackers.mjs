// Derives tracker-hosts.txt from WhoTracks.me's tracker database (trackerdb.sql), so that the
// corpus runner classifies hosts independently of the engine's own catalogue.
//
//   node tests/corpus/derive-trackers.mjs path/to/trackerdb.sql
//
// The file is whotracksme/data/assets/trackerdb.sql of github.com/whotracksme/whotracks.me at
// the commit pinned below (e.g. `git show COMMIT:whotracksme/data/assets/trackerdb.sql`). Its
// content is CC BY 4.0 (WhoTracks.me, Ghostery GmbH): the output keeps that attribution.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const WHOTRACKSME_COMMIT = "40ea9d48960e75bdc059931e56c01c8dc0856c8d";
export const WHOTRACKSME_PATH = "whotracksme/data/assets/trackerdb.sql";

/** Categories that make a host a tracker here; the rest (essential, cdn, hosting, consent,
 * misc, utilities, extensions, ...) never do. */
export const TRACKER_CATEGORIES = new Set([
  "advertising",
  "site_analytics",
  "social_media",
  "pornvertising",
  "audio_video_player",
  "customer_interaction",
]);

/** Parses the tuple of one `INSERT INTO t VALUES(...);` line: strings (plain or wrapped in
 * SQLite's `unistr(...)`, whose escapes are kept as written), numbers, NULL. */
function parseTuple(text) {
  const values = [];
  let i = 0;
  while (i < text.length) {
    const wrapped = text.startsWith("unistr('", i);
    if (wrapped) i += "unistr(".length;
    if (text[i] === "'") {
      let s = "";
      i++;
      for (;;) {
        if (text[i] === "'" && text[i + 1] === "'") (s += "'"), (i += 2);
        else if (text[i] === "'") break;
        else s += text[i++];
      }
      values.push(s);
      i++;
      if (wrapped) i++; // the closing parenthesis
    } else {
      const end = text.indexOf(",", i);
      const raw = (end < 0 ? text.slice(i) : text.slice(i, end)).trim();
      values.push(raw === "NULL" ? null : Number(raw));
      i = end < 0 ? text.length : end;
    }
    while (text[i] === "," || text[i] === " ") i++;
  }
  return values;
}

/** Rows of every table in the dump, by table name. */
export function parseDump(sql) {
  const tables = {};
  for (const line of sql.split("\n")) {
    const m = /^INSERT INTO (\w+) VALUES\((.*)\);\s*$/.exec(line);
    if (m) (tables[m[1]] ||= []).push(parseTuple(m[2]));
  }
  return tables;
}

/** [{domain, category, tracker}] for every tracker domain whose category counts. */
export function trackerHosts(sql) {
  const t = parseDump(sql);
  const categories = new Map(t.categories.map(([id, name]) => [id, name]));
  // trackers(id, name, category_id, website_url, company_id, ghostery_id, notes, alias)
  const trackers = new Map(t.trackers.map((r) => [r[0], { category: r[2], alias: r[7] }]));
  const categoryOf = (id, seen = new Set()) => {
    const tr = trackers.get(id);
    if (!tr || seen.has(id)) return null;
    seen.add(id);
    if (tr.category != null) return categories.get(tr.category);
    return tr.alias ? categoryOf(tr.alias, seen) : null;
  };
  const out = [];
  for (const [tracker, domain] of t.tracker_domains) {
    const category = categoryOf(tracker);
    if (category && TRACKER_CATEGORIES.has(category)) out.push({ domain: domain.toLowerCase(), category, tracker });
  }
  return out.sort((a, b) => a.domain.localeCompare(b.domain));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const input = process.argv[2];
  if (!input) {
    console.error("usage: node derive-trackers.mjs path/to/trackerdb.sql");
    process.exit(2);
  }
  const sql = readFileSync(input, "utf8");
  const sha256 = createHash("sha256").update(sql).digest("hex");
  const rows = trackerHosts(sql);
  const header = [
    "# Tracker hosts for the corpus runner (tests/corpus/run.mjs): a host is a tracker when it",
    "# equals one of these domains or ends with '.' + one of them.",
    "# Derived by tests/corpus/derive-trackers.mjs from WhoTracks.me's tracker database:",
    `#   github.com/whotracksme/whotracks.me @ ${WHOTRACKSME_COMMIT}, ${WHOTRACKSME_PATH}`,
    `#   sha256 ${sha256}`,
    `# Categories kept: ${[...TRACKER_CATEGORIES].join(", ")}.`,
    "# Content: WhoTracks.me (Ghostery GmbH), licensed CC BY 4.0",
    "#   https://creativecommons.org/licenses/by/4.0/ ; changes: filtered by category, reformatted.",
    "# domain<TAB>category<TAB>tracker",
  ];
  const body = rows.map((r) => `${r.domain}\t${r.category}\t${r.tracker}`);
  const target = join(dirname(fileURLToPath(import.meta.url)), "tracker-hosts.txt");
  writeFileSync(target, [...header, ...body, ""].join("\n"));
  console.log(`${rows.length} tracker domains written to ${target}`);
}
