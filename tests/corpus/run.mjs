// The corpus runner: each saved real page (tests/corpus/pages/) is served by a local origin on
// an ephemeral loopback port, visited in headless Chromium straight at that origin and through
// one real `consentry proxy` in front of it, with no consent given. Every request to a host
// other than the visited one is answered by a stub and recorded (nothing leaves the machine),
// and so are page errors and console errors of the page's own scripts.
//
//   cd tests/browser && node ../corpus/run.mjs [--json] [--only ID,ID] [--concurrency N]
//
// A host is a tracker when WhoTracks.me's database says so (tracker-hosts.txt), independently
// of the engine's own catalogue.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { listPages, loadTrackerHosts, pageBytes, trackerOf } from "./pages.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
// playwright-core is installed with the browser tests (tests/browser/package.json).
const { chromium } = createRequire(join(repo, "tests/browser/package.json"))("playwright-core");

/** The charset a page declares in its first bytes, if any. */
function declaredCharset(bytes) {
  const head = bytes.subarray(0, 4096).toString("latin1");
  const m = /<meta[^>]+charset=["']?([\w-]+)/i.exec(head);
  return m ? m[1].toLowerCase() : undefined;
}

/** Serves /ID.html for every page; anything else answers 404. */
export async function startOrigin(pages) {
  const byPath = new Map(pages.map((p) => [`/${p.id}.html`, p.file]));
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const file = byPath.get(path);
    if (!file || req.method !== "GET") {
      res.writeHead(404, { "content-type": "text/plain" });
      return res.end("not saved\n");
    }
    const bytes = pageBytes(file);
    const charset = declaredCharset(bytes);
    res.writeHead(200, {
      "content-type": charset ? `text/html; charset=${charset}` : "text/html",
      "content-length": bytes.length,
      "cache-control": "no-store",
    });
    res.end(bytes);
  });
  // Longer than any run, so that a connection the gateway keeps is never closed under it.
  server.keepAliveTimeout = Number(process.env.CORPUS_ORIGIN_KEEPALIVE_MS || 120000);
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** Starts `consentry proxy --to ORIGIN --port 0 --bind 127.0.0.1 --data-dir TMP`. */
export async function startGateway(origin) {
  const binary = process.env.CONSENTRY_BIN || join(repo, "target/debug/consentry");
  const dataDir = mkdtempSync(join(tmpdir(), "consentry-corpus-"));
  const child = spawn(
    binary,
    ["proxy", "--to", origin, "--port", "0", "--bind", "127.0.0.1", "--data-dir", dataDir],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, RUST_LOG: process.env.CONSENTRY_TEST_LOG || "error" } },
  );
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("consentry did not start in 20 s")), 20000);
    child.once("exit", (code) => fail(new Error(`consentry exited with ${code}`)));
    lines.once("line", (line) => {
      clearTimeout(timer);
      const m = /listening on (\S+)/.exec(line);
      m ? ok(m[1].replace(/\/$/, "").replace("0.0.0.0", "127.0.0.1")) : fail(new Error(`unexpected first line: ${line}`));
    });
  });
  lines.on("line", () => {});
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((ok) => (child.exitCode !== null ? ok() : child.once("exit", ok)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Headless Debian Chromium in which no name but loopback resolves: nothing can leave. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-domain-reliability",
      "--no-first-run",
      "--disable-quic",
      "--disable-sync",
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    ],
  });
}

const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

/** What a stubbed third party answers, by the kind of resource asked for. */
function stub(request) {
  switch (request.resourceType()) {
    case "document":
      return { status: 200, contentType: "text/html", body: "<!doctype html><title>stub</title>" };
    case "script":
      return { status: 200, contentType: "text/javascript", body: "" };
    case "stylesheet":
      return { status: 200, contentType: "text/css", body: "" };
    case "image":
      return { status: 200, contentType: "image/gif", body: GIF };
    default:
      return { status: 204, body: "" };
  }
}

const isLoopback = (host) => host === "localhost" || /^127\./.test(host) || host === "[::1]";

/** The line of `html` at 0-based `line`, cut to ~200 characters around `column`. */
function snippet(html, line, column = 0) {
  if (html == null || line == null) return undefined;
  const text = html.split("\n")[line];
  if (text == null) return undefined;
  const start = Math.max(0, column - 80);
  return text.slice(start, start + 200).trim();
}

/**
 * Where the served HTML names `url` (its host and path, as written or protocol-relative): the
 * enclosing tag, or ~200 characters of the inline script around it.
 */
function mention(html, url) {
  if (!html) return undefined;
  const u = new URL(url);
  const full = u.host + u.pathname + u.search;
  const needles = [full, full.replaceAll("&", "&amp;"), full.replaceAll("&", "&#038;"), u.host + u.pathname, u.host + u.pathname.replace(/\/[^/]*$/, "/"), u.host];
  for (const needle of needles) {
    let first;
    // Prefer a tag that carries the URL in an attribute over a script or data block naming it:
    // between the tag's "<" and the URL there is neither "<" nor ">".
    for (let at = html.indexOf(needle), n = 0; at >= 0 && n < 50; at = html.indexOf(needle, at + 1), n++) {
      first ??= at;
      const open = html.lastIndexOf("<", at);
      const close = html.indexOf(">", at);
      const tag = open >= 0 && close > 0 ? html.slice(open, close + 1) : "";
      const before = open >= 0 ? html.slice(open + 1, at) : "<";
      if (/^<[a-z]/i.test(tag) && !/[<>]/.test(before) && tag.length < 2000) return tag.replace(/\s+/g, " ");
    }
    if (first !== undefined) return html.slice(Math.max(0, first - 100), first + 100).replace(/\s+/g, " ");
  }
  return undefined;
}

/** Why the browser asked for a URL, from the DevTools initiator, with the source it points to. */
function cause(initiator, pageUrl, html) {
  if (!initiator) return { by: "unknown" };
  const frame = initiator.stack?.callFrames?.[0] ?? initiator.stack?.parent?.callFrames?.[0];
  if (initiator.type === "parser") {
    const where = initiator.url === pageUrl ? "page" : initiator.url;
    return { by: "parser", in: where, line: initiator.lineNumber, source: where === "page" ? snippet(html, initiator.lineNumber, initiator.columnNumber) : undefined };
  }
  if (frame) {
    const where = frame.url === pageUrl ? "inline script" : frame.url || "eval";
    return {
      by: "script",
      in: where,
      line: frame.lineNumber,
      source: frame.url === pageUrl ? snippet(html, frame.lineNumber, frame.columnNumber) : undefined,
    };
  }
  return { by: initiator.type, in: initiator.url };
}

/**
 * Visits `url` in a fresh context: waits for load, scrolls to the end (lazy embeds), then for
 * `idleMs` without a new request (at most `capMs` after load). Returns what was contacted.
 */
export async function visit(browser, url, { trackers, idleMs = 1500, capMs = 6000 } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: "block" });
  const own = new URL(url).host;
  const external = []; // {url, host, type}
  const errors = [];
  let last = Date.now();
  await context.route(
    (u) => u.host !== own,
    (route) => route.fulfill(stub(route.request())),
  );
  await context.routeWebSocket(/.*/, (ws) => {
    external.push({ url: ws.url(), host: new URL(ws.url()).host, type: "websocket" });
    ws.close();
  });
  const page = await context.newPage();
  const initiators = new Map();
  const cdp = await context.newCDPSession(page);
  cdp.on("Network.requestWillBeSent", (e) => {
    if (!initiators.has(e.request.url)) initiators.set(e.request.url, e.initiator);
  });
  await cdp.send("Network.enable");
  context.on("request", (req) => {
    last = Date.now();
    const u = new URL(req.url());
    if (!u.protocol.startsWith("http") || u.host === own) return;
    if (isLoopback(u.hostname)) return;
    external.push({ url: req.url(), host: u.hostname, type: req.resourceType() });
  });
  page.on("pageerror", (err) => {
    // The first frame of the stack: "at f (URL:LINE:COLUMN)" or "at URL:LINE:COLUMN".
    const m = /\(?((?:https?|file):[^\s()]+):(\d+):(\d+)\)?\s*$/m.exec(String(err.stack).split("\n").slice(1).join("\n").split("\n")[0] || "");
    errors.push({ key: `pageerror: ${String(err.message).split("\n")[0]}`, at: m ? { url: m[1], line: m[2] - 1, column: m[3] - 1 } : undefined });
  });
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const loc = msg.location() || {};
    let host = own;
    try {
      if (loc.url) host = new URL(loc.url).host;
    } catch {}
    if (host !== own) return;
    // A resource the page was saved without answers 404: that is the saving, not a script
    // failing. A failed load the gateway caused (5xx) counts, with the resource in the key.
    const failed = /^Failed to load resource: .*status of (\d+)/.exec(msg.text());
    if (failed && Number(failed[1]) < 500) return;
    const what = failed ? ` (${loc.url})` : "";
    errors.push({ key: `console: ${msg.text().split("\n")[0]}${what}`, at: loc.url ? { url: loc.url, line: loc.lineNumber, column: loc.columnNumber } : undefined });
  });
  let html;
  let loadError;
  const started = Date.now();
  try {
    const response = await page.goto(url, { waitUntil: "load", timeout: 20000 });
    html = await response?.text().catch(() => undefined);
  } catch (e) {
    loadError = String(e.message).split("\n")[0];
  }
  const loaded = Date.now();
  await page.evaluate(() => window.scrollTo(0, document.body ? document.body.scrollHeight : 0)).catch(() => {});
  last = Date.now();
  while (Date.now() - last < idleMs && Date.now() - loaded < capMs) {
    await new Promise((ok) => setTimeout(ok, 100));
  }
  const timing = { loadMs: loaded - started, settledMs: Date.now() - loaded };
  await context.close();
  const pageUrl = url;
  const hosts = new Map(); // host -> first request
  for (const r of external) if (!hosts.has(r.host)) hosts.set(r.host, r);
  const trackerHosts = [];
  const otherHosts = [];
  for (const [host, r] of [...hosts].sort(([a], [b]) => a.localeCompare(b))) {
    const t = trackerOf(host, trackers);
    if (t)
      trackerHosts.push({
        host,
        tracker: t.tracker,
        category: t.category,
        url: r.url,
        type: r.type,
        cause: cause(initiators.get(r.url), pageUrl, html),
        mention: mention(html, r.url),
      });
    else otherHosts.push(host);
  }
  const normalise = (s) => s.split(own).join("ORIGIN");
  const described = errors.map((e) => {
    const inline = e.at && e.at.url === pageUrl;
    return {
      key: normalise(e.key),
      at: e.at ? `${inline ? "inline script" : normalise(e.at.url)}:${e.at.line + 1}` : undefined,
      source: inline ? snippet(html, e.at.line, e.at.column) : undefined,
    };
  });
  return { trackerHosts, otherHosts, requests: external.length, errors: described, neutralised: neutralised(html), loadError, timing };
}

/** Elements the gateway held back (marked data-consentry), each as category and a short excerpt. */
function neutralised(html) {
  if (!html) return [];
  const out = [];
  const re = /<(script|iframe|img|link|embed|object|video|audio|source)\b([^>]*\bdata-consentry=["']?([\w-]+)[^>]*)>/gi;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const src = /\b(?:src|href|data-src)=["']?([^"'\s>]+)/i.exec(m[2]);
    let what = src ? src[1] : "";
    if (!what && m[1].toLowerCase() === "script") {
      const end = html.indexOf("</script", re.lastIndex);
      what = "inline: " + html.slice(re.lastIndex, end < 0 ? re.lastIndex + 100 : Math.min(end, re.lastIndex + 100)).replace(/\s+/g, " ").trim();
    }
    out.push({ element: m[1].toLowerCase(), category: m[3], what });
  }
  return out;
}

/**
 * Errors in `after` whose kind never happened in `before` (one entry per kind). The same
 * failure can read "Failed to execute 'json' on 'Response': Unexpected end of JSON input" or
 * "Unexpected end of JSON input" from one run to the next: the prefix is not compared.
 */
function newErrors(before, after) {
  const kind = (key) => key.replace(/Failed to execute '[^']*' on '[^']*': /, "");
  const seen = new Set(before.map((e) => kind(e.key)));
  const out = [];
  for (const e of after) {
    if (seen.has(kind(e.key))) continue;
    seen.add(kind(e.key));
    out.push(e);
  }
  return out;
}

/**
 * Runs the corpus: one origin, one gateway, one browser; each page straight and through the
 * gateway. Returns {pages: [...], totals}.
 */
export async function runCorpus({ only, concurrency = 2, idleMs = 1500, capMs = 6000, log = () => {} } = {}) {
  const trackers = loadTrackerHosts();
  const pages = listPages(only);
  const origin = await startOrigin(pages);
  const gateway = await startGateway(origin.url);
  const browser = await launch();
  const results = [];
  try {
    const queue = [...pages];
    const worker = async () => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        const path = `/${p.id}.html`;
        const straight = await visit(browser, origin.url + path, { trackers, idleMs, capMs });
        const gated = await visit(browser, gateway.url + path, { trackers, idleMs, capMs });
        let fresh = newErrors(straight.errors, gated.errors);
        if (fresh.length) {
          // A page's own timers race (a check that fires or not before it is cleared): an
          // error counts as the gateway's only if a second visit each way shows it again.
          const again = await visit(browser, origin.url + path, { trackers, idleMs, capMs });
          const gatedAgain = await visit(browser, gateway.url + path, { trackers, idleMs, capMs });
          const twice = new Set(newErrors([...straight.errors, ...again.errors], gatedAgain.errors).map((e) => e.key));
          fresh = fresh.filter((e) => twice.has(e.key));
        }
        const r = { id: p.id, straight, gateway: gated, newErrors: fresh };
        results.push(r);
        log(r);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await browser.close();
    await gateway.stop();
    await origin.close();
  }
  results.sort((a, b) => a.id.localeCompare(b.id));
  return { pages: results, totals: totals(results) };
}

export function totals(results) {
  const sum = (f) => results.reduce((n, r) => n + f(r), 0);
  return {
    pages: results.length,
    pagesWithTrackersStraight: results.filter((r) => r.straight.trackerHosts.length).length,
    pagesLeaking: results.filter((r) => r.gateway.trackerHosts.length).length,
    trackerHostsStraight: sum((r) => r.straight.trackerHosts.length),
    trackerHostsGateway: sum((r) => r.gateway.trackerHosts.length),
    pagesWithNewErrors: results.filter((r) => r.newErrors.length).length,
    newErrors: sum((r) => r.newErrors.length),
  };
}

/** The human report: a row per page, the totals, then what slipped through and why. */
export function report({ pages, totals: t }) {
  const rows = [["page", "tracker hosts straight", "via gateway", "other hosts straight", "via gateway", "new script errors"]];
  for (const r of pages) {
    const n = (list) => String(list.length);
    rows.push([r.id, n(r.straight.trackerHosts), n(r.gateway.trackerHosts), n(r.straight.otherHosts), n(r.gateway.otherHosts), n(r.newErrors)]);
  }
  rows.push(["total", String(t.trackerHostsStraight), String(t.trackerHostsGateway), "", "", String(t.newErrors)]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row) => "| " + row.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ") + " |";
  const out = [line(rows[0]), "|" + widths.map((w, i) => (i ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|") + "|"];
  for (const row of rows.slice(1)) out.push(line(row));
  out.push("");
  out.push(
    `${t.pagesLeaking} of ${t.pages} pages contacted tracker hosts through the gateway; ` +
      `${t.trackerHostsGateway} tracker hosts vs ${t.trackerHostsStraight} straight ` +
      `(${t.pagesWithTrackersStraight} pages contacted trackers straight). ` +
      `${t.pagesWithNewErrors} pages had first-party script errors through the gateway that did not happen straight.`,
  );
  for (const r of pages.filter((r) => r.gateway.trackerHosts.length || r.newErrors.length)) {
    out.push("", `## ${r.id}`);
    for (const h of r.gateway.trackerHosts) {
      const c = h.cause;
      out.push(`- ${h.host} (${h.tracker}, ${h.category}) ${h.type}: ${h.url.slice(0, 120)}`);
      out.push(`    by ${c.by}${c.in ? ` in ${c.in}` : ""}${c.line != null ? ` line ${c.line + 1}` : ""}${c.source ? `: ${c.source}` : ""}`);
      if (h.mention) out.push(`    named in the served page: ${h.mention.slice(0, 300)}`);
    }
    for (const e of r.newErrors) {
      out.push(`- new error: ${e.key.slice(0, 200)}`);
      if (e.at) out.push(`    at ${e.at}${e.source ? `: ${e.source}` : ""}`);
    }
    if (r.newErrors.length) {
      out.push("  held back by the gateway on this page:");
      for (const n of r.gateway.neutralised) out.push(`    <${n.element}> ${n.category}: ${n.what.slice(0, 140)}`);
    }
  }
  return out.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const json = args.includes("--json");
  const result = await runCorpus({
    only: opt("--only")?.split(","),
    concurrency: Number(opt("--concurrency") || 2),
    idleMs: Number(opt("--idle") || 1500),
    log: json ? () => {} : (r) => process.stderr.write(`${r.id}: ${r.straight.trackerHosts.length} -> ${r.gateway.trackerHosts.length}\n`),
  });
  console.log(json ? JSON.stringify(result, null, 2) : report(result));
}
