// Helpers for the vendor snippet test: a local origin that serves the fixtures of
// fixtures/vendors/ (and the tracker files a site serves itself), a Chromium that sends every
// *.site.test host to the gateway and no other name anywhere, and a visitor whose every
// request is recorded, with each third-party request answered by a stub and the element or
// script line that caused it.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { chromium } from "playwright-core";
import { repo } from "./support.mjs";

export const FIXTURES = join(repo, "tests/browser/fixtures/vendors");
/** The site the pages belong to: www.site.test, with matomo.site.test and plausible.site.test. */
export const SITE = "site.test";
export const PAGE_HOST = `www.${SITE}`;

/** Whether a request to `host` stays on the site (the gateway) rather than a third party. */
export function firstParty(host) {
  return host === SITE || host.endsWith(`.${SITE}`) || host === "127.0.0.1" || host === "localhost" || host === "[::1]";
}

/** The manifest: each page with its vendor, the hosts that are the vendor and what "loads" means. */
export function manifest() {
  return JSON.parse(readFileSync(join(FIXTURES, "vendors.json"), "utf8"));
}

/**
 * A matcher for a list of rules: "host" matches the host and its subdomains, "host/path"
 * also needs the path to start with "/path".
 */
export function matcher(rules) {
  const parsed = rules.map((rule) => {
    const slash = rule.indexOf("/");
    return slash < 0 ? { host: rule, path: "" } : { host: rule.slice(0, slash), path: rule.slice(slash) };
  });
  return (url) => {
    let u;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    if (!u.protocol.startsWith("http")) return false;
    const host = u.hostname;
    return parsed.some(
      (r) => (host === r.host || host.endsWith(`.${r.host}`)) && (!r.path || u.pathname.startsWith(r.path)),
    );
  };
}

// Files a site serves itself in place of a vendor's: what the origin answers on each host.
const OWN_STUBS = {
  [PAGE_HOST]: [
    [/^\/matomo\.js$/, "text/javascript", "window.__stub=(window.__stub||[]).concat('matomo.js');"],
    [/^\/matomo\.php$/, "image/gif", ""],
    [/^\/gtm\.js$/, "text/javascript", "window.__stub=(window.__stub||[]).concat('gtm.js');"],
    [/^\/ns\.html$/, "text/html", "<!doctype html><title>ns</title>"],
    [/^\/fbevents\.js$/, "text/javascript", "window.__stub=(window.__stub||[]).concat('fbevents.js');"],
    [/^\/piwik\/piwik\.js$/, "text/javascript", "window.__stub=(window.__stub||[]).concat('piwik.js');"],
    [/^\/piwik\/piwik\.php$/, "image/gif", ""],
  ],
  [`sgtm.${SITE}`]: [
    [/^\/gtm\.js$/, "text/javascript", "window.__stub=(window.__stub||[]).concat('gtm.js');"],
    [/^\/ns\.html$/, "text/html", "<!doctype html><title>ns</title>"],
  ],
  [`matomo.${SITE}`]: [
    [/^\/matomo\.js$/, "text/javascript", "window.__stub=(window.__stub||[]).concat('matomo.js');"],
    [/^\/matomo\.php$/, "image/gif", ""],
    [/^\/js\/container_\w+\.js$/, "text/javascript", "window.__stub=(window.__stub||[]).concat('container.js');"],
  ],
  [`plausible.${SITE}`]: [
    [/^\/js\/script\.js$/, "text/javascript", "window.__stub=(window.__stub||[]).concat('plausible');"],
  ],
};

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".json": "application/json" };

/**
 * The origin: on www.site.test the fixture files, on every site host the tracker files the
 * site serves itself (stubs); the host is the one the visitor asked for (X-Forwarded-Host).
 * Records what it was asked in `seen` as "host/path".
 */
export async function startOrigin() {
  const seen = [];
  const server = createServer((req, res) => {
    const host = String(req.headers["x-forwarded-host"] || req.headers.host || "").replace(/:\d+$/, "");
    const path = new URL(req.url, "http://x").pathname.replace(/\/{2,}/g, "/");
    seen.push(host + path);
    const stub = (OWN_STUBS[host] || []).find(([re]) => re.test(path));
    if (stub) {
      res.writeHead(200, { "content-type": stub[1], "cache-control": "no-store" });
      return res.end(stub[2]);
    }
    if (host === PAGE_HOST) {
      const file = normalize(join(FIXTURES, path));
      if (file.startsWith(FIXTURES + "/") && /\.(html|js)$/.test(file)) {
        try {
          const body = readFileSync(file);
          res.writeHead(200, { "content-type": TYPES[extname(file)], "cache-control": "no-store" });
          return res.end(body);
        } catch {}
      }
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    seen,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/**
 * Debian's Chromium, headless, where every *.site.test name reaches the gateway on
 * `gatewayPort` and every other name fails to resolve: requests the route below does not
 * answer (preconnects, DNS prefetches) can never leave the machine.
 */
export function launchForSite(gatewayPort) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-quic",
      "--disable-sync",
      "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable",
      `--host-resolver-rules=MAP *.${SITE} 127.0.0.1:${gatewayPort},MAP * ~NOTFOUND,EXCLUDE 127.0.0.1,EXCLUDE localhost`,
    ],
  });
}

// Script stubs that define what the page's own snippet calls once the vendor's file has
// loaded, so that a stub does not make the snippet throw. None of them makes a request.
const SCRIPT_STUBS = [
  [/bat\.bing\.com\/bat\.js/, "window.UET=function(o){this.push=function(){}};"],
  [/munchkin\.marketo\.net\/munchkin\.js/, "window.Munchkin={init:function(){}};"],
  [/cdn\.jwplayer\.com\/libraries\//, "window.jwplayer=function(){return{setup:function(){return this}}};"],
  [/script\.ioam\.de\/iam\.js/, "window.iom={c:function(){},h:function(){}};"],
  [/js\.hscta\.net\/cta\/current\.js/, "window.hbspt={cta:{load:function(){}}};"],
];

/**
 * A fresh context and page. Every request is recorded in `requests` with what caused it (from
 * the DevTools protocol: the parser at a line of the served page, or a script's line); every
 * request to a host outside the site is answered by a stub and never reaches a network.
 */
export async function vendorVisitor(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
  const requests = [];
  const initiators = new Map();
  await context.route(
    (url) => url.protocol.startsWith("http") && !firstParty(url.hostname),
    (route) => {
      const req = route.request();
      const url = req.url();
      const type = req.resourceType();
      const cors = {
        "access-control-allow-origin": req.headers()["origin"] || `http://${PAGE_HOST}`,
        "access-control-allow-credentials": "true",
      };
      if (type === "script") {
        const stub = SCRIPT_STUBS.find(([re]) => re.test(url));
        return route.fulfill({ status: 200, contentType: "text/javascript", headers: cors, body: stub ? stub[1] : "/* stub */" });
      }
      if (type === "document")
        return route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>embed</title><p>embed</p>" });
      return route.fulfill({ status: 204, headers: cors, body: "" });
    },
  );
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  cdp.on("Network.requestWillBeSent", (e) => {
    if (!initiators.has(e.request.url)) initiators.set(e.request.url, e.initiator);
  });
  await cdp.send("Network.enable");
  page.on("request", (req) => {
    if (req.url().startsWith("http")) requests.push({ url: req.url(), type: req.resourceType(), at: Date.now() });
  });
  const errors = [];
  page.on("pageerror", (err) => errors.push(String(err.message || err).split("\n")[0]));
  return { context, page, requests, errors, initiator: (url) => initiators.get(url) };
}

/** The part of a served line that matters for `url`: from the tag that names it, if it does. */
export function excerpt(line, url) {
  const { hostname, pathname } = new URL(url);
  const at = [hostname + pathname, hostname].map((s) => line.indexOf(s)).find((i) => i >= 0);
  const from = at === undefined ? 0 : Math.max(0, line.lastIndexOf("<", at));
  return line.slice(from).trim().slice(0, 160);
}

/**
 * Where a request came from, in words: "parser, page line 12: <script …>" or "script, … line
 * 9", followed, when a script or the browser itself made the request, by the served page's
 * line that names its host.
 */
export function describeCause(initiator, pageUrl, lines, url) {
  const cause = describeInitiator(initiator, pageUrl, lines, url);
  const { hostname, pathname } = new URL(url);
  const named = [hostname + pathname, hostname].map((s) => lines.findIndex((l) => l.includes(s))).find((i) => i >= 0);
  if (named === undefined || cause.startsWith("parser, page line") || cause.includes(`page line ${named + 1}:`)) return cause;
  return `${cause}; named at page line ${named + 1}: ${excerpt(lines[named], url)}`;
}

function describeInitiator(initiator, pageUrl, lines, url) {
  if (!initiator) return "unknown";
  const at = (where, line) => {
    const n = line + 1;
    if (where !== pageUrl) return `${where} line ${n}`;
    return lines[line] === undefined ? `page line ${n}` : `page line ${n}: ${excerpt(lines[line], url)}`;
  };
  if (initiator.type === "parser" && initiator.url) return `parser, ${at(initiator.url, initiator.lineNumber ?? 0)}`;
  const frames = initiator.stack?.callFrames || [];
  const frame = frames.find((f) => f.url) || frames[0];
  if (frame) return `${initiator.type}, ${at(frame.url, frame.lineNumber)}`;
  return initiator.type;
}
