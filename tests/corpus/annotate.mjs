// Recomputes the first draft of annotations.json from the saved pages: the site each page was
// saved from, the tracker hosts it names (in elements and in inline scripts, classified with
// tracker-hosts.txt), its first-party scripts, and notes on the patterns it uses. Fields
// written by hand (kind, language, source, judgement) are kept.
//
//   node tests/corpus/annotate.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { listPages, loadTrackerHosts, pageBytes, trackerOf } from "./pages.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const FILE = join(here, "annotations.json");

const read = (file) => pageBytes(file).toString("utf8");

/** Host of an absolute or protocol-relative URL, else undefined (relative). */
function hostOf(url) {
  const m = /^(?:https?:)?\/\/([a-z0-9.-]+\.[a-z]{2,})(?::\d+)?(?:[/?#]|$)/i.exec(url.trim());
  return m ? m[1].toLowerCase() : undefined;
}

/** The registrable part of a host, roughly: two labels, three under a short second level. */
function siteOf(host) {
  const l = host.split(".");
  const n = l.length >= 3 && l[l.length - 2].length <= 3 && l[l.length - 1].length === 2 ? 3 : 2;
  return l.slice(-n).join(".");
}

const NOTES = [
  [/gtm\.start|googletagmanager\.com\/gtm\.js/, "inline", "inline GTM loader"],
  [/googletagmanager\.com\/gtag\/js/, "any", "gtag.js (GA4/Ads)"],
  [/<noscript>[^]{0,400}?googletagmanager\.com\/ns\.html/i, "html", "GTM noscript iframe"],
  [/<noscript>[^]{0,400}?facebook\.com\/tr/i, "html", "Meta Pixel noscript img"],
  [/fbevents\.js/, "inline", "inline Meta Pixel loader"],
  [/google-analytics\.com\/(analytics|ga)\.js|GoogleAnalyticsObject/, "any", "Universal Analytics loader"],
  [/ioam\.de|iam\.js|iom\.c\(/, "any", "INFOnline/IVW measurement"],
  [/met\.vgwort\.de/, "html", "VG Wort counting pixel"],
  [/securepubads\.g\.doubleclick\.net|googletag\.cmd/, "any", "Google Publisher Tag"],
  [/adsbygoogle/, "any", "AdSense"],
  [/static\.hotjar\.com|_hjSettings/, "any", "Hotjar"],
  [/webtrekk|wt_r|mapp\.|wt\.js/i, "any", "Webtrekk/Mapp"],
  [/kameleoon/, "any", "Kameleoon A/B testing"],
  [/chartbeat/, "any", "Chartbeat"],
  [/scorecardresearch/, "any", "comScore"],
  [/outbrain/, "any", "Outbrain"],
  [/taboola/, "any", "Taboola"],
  [/criteo/, "any", "Criteo"],
  [/mediavine/, "any", "Mediavine ads"],
  [/cloudflareinsights/, "any", "Cloudflare Web Analytics beacon"],
  [/<iframe[^>]+data-(?:lazy-)?src=/i, "html", "lazy iframe (data-src)"],
  [/<iframe[^>]+loading=["']?lazy/i, "html", "iframe loading=lazy"],
  [/<iframe[^>]+youtube(?:-nocookie)?\.com\/embed/i, "html", "YouTube iframe"],
  [/document\.write\s*\(\s*["'`][^"'`]*<scr/i, "inline", "document.write script loader"],
  [/createElement\(\s*["']script["']\s*\)/, "inline", "createElement('script') loader"],
  [/["']<scr["']\s*\+\s*["']ipt/i, "inline", "split '<scr'+'ipt' string"],
  [/usercentrics/i, "any", "CMP: Usercentrics"],
  [/cookiebot/i, "any", "CMP: Cookiebot"],
  [/cdn\.cookielaw\.org|onetrust/i, "any", "CMP: OneTrust"],
  [/didomi/i, "any", "CMP: Didomi"],
  [/sourcepoint|sp-prod\.net|_sp_/i, "any", "CMP: Sourcepoint"],
  [/consentmanager\.net|__cmp\(/, "any", "CMP: consentmanager/CMP API"],
  [/__tcfapi/, "any", "IAB TCF API calls"],
  [/\/(matomo|piwik)\.(js|php)/, "any", "Matomo/Piwik"],
  [/hs-scripts\.com|hubspot/i, "any", "HubSpot"],
];

function annotate(html, previous) {
  const site = previous.site || hostOf(/(?:property="og:url" content="|rel="canonical" href=")([^"]+)/i.exec(html)?.[1] || "") || "";
  const own = site ? siteOf(site) : undefined;
  const inline = [];
  const scripts = [];
  const scriptRe = /<script\b([^>]*)>([^]*?)<\/script\s*>/gi;
  for (let m = scriptRe.exec(html); m; m = scriptRe.exec(html)) {
    const src = /\bsrc\s*=\s*["']?([^"'\s>]+)/i.exec(m[1])?.[1];
    const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(m[1])?.[1]?.toLowerCase();
    if (src) scripts.push(src);
    else if (!type || /javascript|module|ecmascript/.test(type)) inline.push(m[2]);
  }
  const inlineText = inline.join("\n");
  const trackers = new Map(); // host -> {tracker, category, where:Set}
  const add = (host, where) => {
    const t = trackerOf(host, TRACKERS);
    if (!t) return;
    if (!trackers.has(host)) trackers.set(host, { tracker: t.tracker, category: t.category, where: new Set() });
    trackers.get(host).where.add(where);
  };
  // URLs in attributes of elements that fetch (script, img, iframe, link, source, embed...).
  const attrRe = /<(script|img|iframe|link|source|embed|object|video|audio|input)\b[^>]*?\b(?:src|href|data-src|data-lazy-src|srcset|data)\s*=\s*["']?([^"'\s>]+)/gi;
  for (let m = attrRe.exec(html); m; m = attrRe.exec(html)) {
    const host = hostOf(m[2]);
    if (host) add(host, `<${m[1].toLowerCase()}>`);
  }
  // Hosts named in inline scripts (loaders, config).
  const hostRe = /(?:https?:)?\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)+\.[a-z]{2,})/gi;
  for (let m = hostRe.exec(inlineText); m; m = hostRe.exec(inlineText)) add(m[1].toLowerCase(), "inline script");
  const bareRe = /["'`]([a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|de|io|nl|eu|org))["'`/]/gi;
  for (let m = bareRe.exec(inlineText); m; m = bareRe.exec(inlineText)) add(m[1].toLowerCase(), "inline script");
  const firstParty = scripts.filter((s) => {
    const h = hostOf(s);
    return !h || (own && siteOf(h) === own);
  });
  const notes = NOTES.filter(([re, where]) => re.test(where === "inline" ? inlineText : html)).map(([, , note]) => note);
  const jsonLd = (html.match(/<script[^>]+application\/ld\+json/gi) || []).length;
  if (jsonLd) notes.push(`${jsonLd} JSON-LD block${jsonLd > 1 ? "s" : ""}`);
  return {
    site,
    kind: previous.kind,
    language: previous.language,
    source: previous.source,
    trackerHosts: Object.fromEntries(
      [...trackers].sort(([a], [b]) => a.localeCompare(b)).map(([h, v]) => [h, `${v.tracker} (${v.category}) in ${[...v.where].sort().join(", ")}`]),
    ),
    firstPartyScripts: { inline: inline.length, external: firstParty.length, examples: firstParty.slice(0, 6) },
    thirdPartyScripts: scripts.filter((s) => !firstParty.includes(s)).length,
    notes,
    judgement: previous.judgement || "",
  };
}

const TRACKERS = loadTrackerHosts();
let previous = {};
try {
  previous = JSON.parse(readFileSync(FILE, "utf8")).pages || {};
} catch {}
const pages = {};
for (const p of listPages()) pages[p.id] = annotate(read(p.file), previous[p.id] || {});
const doc = {
  about:
    "Saved real pages with trackers (see SOURCES.md). trackerHosts: hosts named by the page that WhoTracks.me classifies as trackers " +
    "(tracker-hosts.txt), with where they appear; firstPartyScripts: inline scripts and scripts from the page's own site; notes: patterns " +
    "found by annotate.mjs; judgement: written by hand. A saved page is only its first HTML: scripts it loads from its own site are not " +
    "saved and answer 404 (or a stub when absolute), so trackers those scripts would add are not contacted straight either.",
  pages,
};
writeFileSync(FILE, JSON.stringify(doc, null, 2) + "\n");
console.log(`${Object.keys(pages).length} pages annotated in ${FILE}`);
