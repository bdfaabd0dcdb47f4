// The saved pages and the tracker host list, shared by the runner and the annotator.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
export const PAGES = join(here, "pages");

/** Tracker domains (WhoTracks.me, CC BY 4.0): domain -> {category, tracker}. */
export function loadTrackerHosts(file = join(here, "tracker-hosts.txt")) {
  const map = new Map();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const [domain, category, tracker] = line.split("\t");
    map.set(domain, { category, tracker });
  }
  return map;
}

/** The tracker entry for `host` (itself or a parent domain), or undefined. */
export function trackerOf(host, trackers) {
  const labels = host.toLowerCase().replace(/\.$/, "").split(".");
  for (let i = 0; i < labels.length - 1; i++) {
    const domain = labels.slice(i).join(".");
    const hit = trackers.get(domain);
    if (hit) return { domain, ...hit };
  }
  return undefined;
}

/** The saved pages: [{id, file}] in a stable order, only those in `only` when given. */
export function listPages(only) {
  return readdirSync(PAGES)
    .filter((f) => /\.html(\.gz)?$/.test(f))
    .map((file) => ({ id: file.replace(/\.html(\.gz)?$/, ""), file }))
    .filter((p) => !only || only.includes(p.id))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** The bytes of a saved page, unzipped. */
export function pageBytes(file) {
  const raw = readFileSync(join(PAGES, file));
  return file.endsWith(".gz") ? gunzipSync(raw) : raw;
}
