// Shared fixtures for the browser tests: the real `consentry demo` (the bundled coffee shop
// behind the gateway), Debian's headless Chromium driven by playwright-core, and every
// request to a host other than the gateway's recorded and answered by a stub, so that
// "a tracker was requested" is observable without the internet.
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "../..");
export const artifacts = join(repo, "tests/artifacts");
const binary = process.env.CONSENTRY_BIN || join(repo, "target/debug/consentry");

/** Cookies a visitor may have before deciding: the demo's session and XSRF token. */
export const NECESSARY = new Set(["session", "XSRF-TOKEN", "consentry"]);

/** Stub bodies for the trackers that must "run": each sets the cookie its vendor would. */
const STUBS = [
  [/googletagmanager\.com\/gtag\/js/, "document.cookie='_ga_NWC0FFEE1=GS1.1.stub; path=/; max-age=3600';window.__gtag=1;"],
  [/googletagmanager\.com\/gtm\.js/, "window.__gtm=1;"],
  [/connect\.facebook\.net\/.*fbevents\.js/, "document.cookie='_fbp=fb.1.stub; path=/; max-age=3600';window.__fbq=1;"],
  [/static\.hotjar\.com\//, "document.cookie='_hjSessionUser_1234567=stub; path=/; max-age=3600';window.__hotjar=1;"],
];

/** Starts `consentry ARGS... --port 0 --data-dir TMP`; resolves with its URL. */
export async function startGateway(args = ["demo"]) {
  const dataDir = mkdtempSync(join(tmpdir(), "consentry-browser-"));
  const child = spawn(binary, [...args, "--port", "0", "--data-dir", dataDir], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, RUST_LOG: process.env.CONSENTRY_TEST_LOG || "warn" },
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("consentry did not start in 20 s")), 20000);
    child.once("exit", (code) => fail(new Error(`consentry exited with ${code}`)));
    lines.once("line", (line) => {
      clearTimeout(timer);
      const m = /^Consentry listening on (\S+)/.exec(line);
      m ? ok(m[1].replace(/\/$/, "")) : fail(new Error(`unexpected first line: ${line}`));
    });
  });
  lines.on("line", () => {});
  return {
    url,
    dataDir,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((ok) => (child.exitCode !== null ? ok() : child.once("exit", ok)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, in a fresh profile. */
export function launch() {
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
    ],
  });
}

/**
 * A fresh context (empty cookie jar) whose every request to another host is recorded in
 * `external` (failed ones too) and answered by a stub. Options go to `browser.newContext`.
 */
export async function visitor(browser, gatewayUrl, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const local = new URL(gatewayUrl).host;
  const external = [];
  const requests = [];
  context.on("request", (req) => {
    const url = new URL(req.url());
    if (url.protocol.startsWith("http") && url.host !== local) external.push(req.url());
    if (url.host === local) requests.push(req);
  });
  await context.route(
    (url) => url.protocol.startsWith("http") && url.host !== local,
    (route) => {
      const url = route.request().url();
      const stub = STUBS.find(([re]) => re.test(url));
      if (stub) return route.fulfill({ status: 200, contentType: "text/javascript", body: stub[1] });
      if (route.request().resourceType() === "document")
        return route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>embed</title><p>embed</p>" });
      return route.fulfill({ status: 204, body: "" });
    },
  );
  const page = await context.newPage();
  const violations = [];
  page.on("console", (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
  });
  return { context, page, external, requests, violations };
}

/** Names of the cookies in the jar. */
export async function cookieNames(context) {
  return (await context.cookies()).map((c) => c.name).sort();
}

/** Cookies in the jar that are not necessary. */
export async function optionalCookies(context) {
  return (await cookieNames(context)).filter((n) => !NECESSARY.has(n));
}

/** Counts full page loads of `page` (a reload would count one more). */
export function countLoads(page) {
  const counter = { loads: 0 };
  page.on("load", () => counter.loads++);
  return counter;
}

/** Waits until `fn` returns something truthy (polling), or fails after `ms`. */
export async function eventually(fn, ms = 5000, what = "condition") {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

/** Makes the artifacts folder and returns the path of `name` in it. */
export function artifact(name) {
  mkdirSync(artifacts, { recursive: true });
  return join(artifacts, name);
}
